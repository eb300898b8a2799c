package dev.mlci.core.pipeline;

/** Kubernetes quantities as the KFP SDK converts them for its deprecated numeric fields. */
final class Quantities {
  private Quantities() {}

  /** Cores of a CPU quantity: {@code 4} is 4.0, {@code 500m} is 0.5. */
  static double cores(String cpu) {
    return cpu.endsWith("m")
        ? Long.parseLong(cpu.substring(0, cpu.length() - 1)) / 1000.0
        : Double.parseDouble(cpu);
  }

  /** Bytes of a memory quantity: {@code 8Gi} is 8 x 2^30, {@code 8G} is 8 x 10^9. */
  static double bytes(String memory) {
    int unit = 0;
    while (unit < memory.length() && Character.isDigit(memory.charAt(unit))) {
      unit++;
    }
    double n = Double.parseDouble(memory.substring(0, unit));
    return n
        * switch (memory.substring(unit)) {
          case "Ki" -> 1024.0;
          case "Mi" -> Math.pow(1024, 2);
          case "Gi" -> Math.pow(1024, 3);
          case "Ti" -> Math.pow(1024, 4);
          case "K" -> 1e3;
          case "M" -> 1e6;
          case "G" -> 1e9;
          case "T" -> 1e12;
          default -> 1.0;
        };
  }
}
