package dev.mlci.core.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class SecretsTest {
  @Test
  void redact_masksThePasswordOfAnyUrl_keepingTheUser() {
    assertThat(Secrets.redact("'registry://u:s3cr3t@host/x' is bad"))
        .isEqualTo("'registry://u:***@host/x' is bad");
    assertThat(Secrets.redact("push to https://bot:ghp_abc@github.com/a/b.git failed"))
        .isEqualTo("push to https://bot:***@github.com/a/b.git failed");
    assertThat(Secrets.redact("MLFLOW_TRACKING_URI=http://alice:pw@mlflow:5000 unreachable"))
        .isEqualTo("MLFLOW_TRACKING_URI=http://alice:***@mlflow:5000 unreachable");
  }

  @Test
  void redact_masksATokenUsedAsUserName() {
    assertThat(Secrets.redact("https://ghp_token123@github.com/x"))
        .isEqualTo("https://***@github.com/x");
  }

  @Test
  void redact_leavesUrlsWithoutCredentialsAndDigestsAlone() {
    String plain = "ghcr.io/acme/model@sha256:abcdef and https://example.com/a@b and mailto x@y";
    assertThat(Secrets.redact(plain)).isEqualTo(plain);
    assertThat(Secrets.redact("registry://localhost:5000/model:1.0"))
        .isEqualTo("registry://localhost:5000/model:1.0");
  }

  @Test
  void problemsAndExceptions_neverCarryTheSecret() {
    Problem p = Problem.in("--target", "", "'registry://u:pw1234@h/x' is bad", "fix it");
    assertThat(p.message()).doesNotContain("pw1234");
    assertThat(new BadInputException(p).getMessage()).doesNotContain("pw1234");
    assertThat(new EnvironmentException("http://u:pw1234@h failed", null).getMessage())
        .doesNotContain("pw1234");
  }

  @Test
  void redactingWriter_masksAcrossWritesOfOneLine() throws Exception {
    StringWriter sink = new StringWriter();
    try (var w = Secrets.redacting(sink)) {
      w.write("cannot reach http://u:pw");
      w.write("1234@host/x\nnext line\n");
      w.write("partial https://t0k3n@");
    }
    assertThat(sink.toString())
        .doesNotContain("pw1234")
        .contains("http://u:***@host/x\nnext line\n")
        .doesNotContain("t0k3n");
  }
}
