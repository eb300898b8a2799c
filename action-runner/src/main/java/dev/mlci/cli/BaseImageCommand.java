package dev.mlci.cli;

import dev.mlci.core.api.BaseImageOptions;
import dev.mlci.core.api.BaseImageResult;
import dev.mlci.core.api.BaseImageStep;
import dev.mlci.core.api.StepContext;
import dev.mlci.core.errors.MlciException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

@Command(
    name = "base-image",
    mixinStandardHelpOptions = true,
    description = {
      "Build a minimal Java runtime base image for 'mlci containerize', offline and without a daemon.",
      "",
      "It holds a jlink'd runtime of the JDK mlci runs on, the system libraries ldd lists for it and"
          + " for the native libraries of ONNX Runtime, XGBoost and PyTorch, /tmp with mode 1777 and"
          + " a non-root user (mlci, 65532). The same JDK, libraries and mlci give the same digest."
          + " Needs a JDK with jlink and ldd (Linux); no ml.yaml. For air-gapped teams: build it"
          + " once, push it to the internal registry, pass it as containerize's --base."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  mlci base-image --target tar://base.tar",
      "  mlci containerize . --base tar://base.tar --target tar://image.tar",
      "  mlci base-image --target registry://registry.internal/mlci/java-base:17"
    })
final class BaseImageCommand implements Callable<Integer> {
  @Option(
      names = "--target",
      paramLabel = "IMAGE",
      required = true,
      description =
          "Where the base goes: tar://PATH (a docker-save tarball) or registry://REF (credentials:"
              + " MLCI_REGISTRY_USERNAME/_PASSWORD, docker login, credential helpers).")
  String target;

  @Option(
      names = "--name",
      paramLabel = "REF",
      description =
          "For tar://: the image name inside the tarball. Default: "
              + BaseImageOptions.DEFAULT_NAME
              + ":<Java version>.")
  String name;

  @Option(
      names = "--allow-insecure-registries",
      description = "Allow registries over plain HTTP (for loopback test registries only).")
  boolean allowInsecureRegistries;

  @Option(
      names = "--json",
      description = "Print a JSON summary on standard output instead of text.")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print only errors, warnings and the result line.")
  boolean quiet;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws MlciException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    var progress =
        Progress.of(
            CommonOptions.ProgressMode.plain, Environment.detect().terminal(), quiet || json, err);
    BaseImageResult r =
        new BaseImageStep(StepContext.of(progress, Clock.systemUTC(), System.getenv()))
            .call(
                new BaseImageOptions(
                    target, Optional.ofNullable(name), allowInsecureRegistries, System.getenv()));
    r.warnings().forEach(w -> err.println("warning: " + w));
    err.flush();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode summary = (ObjectNode) CliJson.tree(r);
      summary.put("command", spec.name());
      out.println(summary.toPrettyString());
    } else {
      out.println(
          "base-image: Java "
              + r.javaVersion()
              + " runtime and "
              + r.systemLibraries().size()
              + " system libraries -> "
              + r.target()
              + " ("
              + r.digest()
              + ")");
      if (!quiet) {
        r.layers()
            .forEach(
                l ->
                    out.printf(
                        "  layer %-16s %5d files %8.1f MB%n",
                        l.name(), l.files(), l.bytes() / 1e6));
        out.println("use it: mlci containerize --base " + r.target() + " --target ...");
      }
    }
    out.flush();
    return 0;
  }
}
