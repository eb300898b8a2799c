package dev.mlci.core.mlp;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** DJL's PyTorch engine, set up so that it never downloads anything and runs deterministically. */
public final class Engines {
  /** PyTorch cannot run on this machine. */
  public static final class EngineUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EngineUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Engines() {}

  /**
   * The PyTorch engine. DJL's offline mode is switched on first (unless the user set it): the
   * native library comes from the pytorch-native-cpu jar on the class path, or from the folder
   * {@link dev.mlci.core.natives.PytorchLibrary} fetched and unpacked it into before the step ran
   * ({@code PYTORCH_LIBRARY_PATH}); DJL itself never downloads. PyTorch runs on one thread, so that
   * results do not depend on the machine's core count.
   */
  static Engine pytorch() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Engine engine;
    try {
      engine = Engine.getEngine("PyTorch");
    } catch (RuntimeException | LinkageError e) {
      throw new EngineUnavailableException(
          "the mlp trainer runs on PyTorch, whose native library mlci fetches for linux-x86_64"
              + " (glibc) only; this is "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + " ("
              + e.getMessage()
              + "). Run it on a linux-x86_64 agent, or use another trainer here.",
          e);
    }
    JniUtils.setNumThreads(1);
    try {
      JniUtils.setNumInteropThreads(1);
    } catch (RuntimeException alreadySet) {
      // PyTorch takes the inter-op thread count once per process; later calls are refused.
    }
    return engine;
  }
}
