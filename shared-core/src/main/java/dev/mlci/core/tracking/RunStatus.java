package dev.mlci.core.tracking;

/** MLflow's run states, with the numbers its file store writes. */
public enum RunStatus {
  RUNNING(1),
  FINISHED(3),
  FAILED(4);

  private final int code;

  RunStatus(int code) {
    this.code = code;
  }

  /** The number in a file-store {@code meta.yaml}. */
  int code() {
    return code;
  }

  /** The status for a number in a file-store {@code meta.yaml}; unknown numbers read as FAILED. */
  static RunStatus of(int code) {
    for (RunStatus s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    return FAILED;
  }
}
