package dev.mlci.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlci.core.config.ConfigLoader;
import dev.mlci.core.config.LoadedConfig;
import dev.mlci.core.data.DataLoader;
import dev.mlci.core.data.LoadedData;
import dev.mlci.core.data.SpecFitter;
import dev.mlci.core.data.TribuoData;
import dev.mlci.format.FeatureSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Output;
import org.tribuo.VariableInfo;

/**
 * The design matrix, domains and provenance built from the columns equal what Tribuo's dataset of
 * the same rows gives: features named out of alphabetical order (so the ids are permuted), a
 * categorical column (one-hot: Tribuo keeps such features categorical), few distinct values, zeros
 * (Tribuo does not count them), imputed missing cells; classification and regression.
 */
class FitInputTest {
  @TempDir Path dir;

  private LoadedData load(String task, boolean standardize) throws Exception {
    StringBuilder csv = new StringBuilder("zeta,color,alpha,few,label\n");
    Random r = new Random(7);
    for (int i = 0; i < 5000; i++) { // the training rows span several of encodeColumns' blocks
      String zeta = i % 17 == 0 ? "" : String.valueOf(r.nextGaussian() * 10 + 3);
      String color = new String[] {"red", "blue", "green"}[r.nextInt(3)];
      double alpha = i % 5 == 0 ? 0.0 : r.nextDouble() - 0.5;
      int few = r.nextInt(3);
      String label =
          task.equals("classification")
              ? new String[] {"b", "a", "c"}[(few + (alpha > 0 ? 1 : 0)) % 3]
              : String.valueOf(alpha * 2 + few + r.nextGaussian());
      csv.append(zeta)
          .append(',')
          .append(color)
          .append(',')
          .append(alpha)
          .append(',')
          .append(few)
          .append(',')
          .append(label)
          .append('\n');
    }
    Files.writeString(dir.resolve("d.csv"), csv);
    Path yaml =
        Files.writeString(
            dir.resolve("ml.yaml"),
            "name: t\ntask: "
                + task
                + "\ndata:\n  path: d.csv\n  target: label\n  categorical: [color]\n"
                + "  missing: impute-mean\nmodel:\n  trainer: "
                + (task.equals("classification") ? "logistic" : "linear")
                + "\n  standardize: "
                + standardize
                + "\n");
    LoadedConfig loaded = new ConfigLoader(dir).load(yaml);
    return new DataLoader(dir).load(loaded);
  }

  private <T extends Output<T>> void assertSame(String task, boolean standardize) throws Exception {
    LoadedData data = load(task, standardize);
    LoadedConfig loaded = new ConfigLoader(dir).load(dir.resolve("ml.yaml"));
    FeatureSpec spec = SpecFitter.fit(loaded.config(), data, standardize);
    FitInput<T> viaTribuo =
        FitInput.of(TribuoData.<T>dataset(spec, data.train(), "mlci:data=d.csv@sha256:x"));
    FitInput<T> fromColumns = FitInput.fromRows(spec, data.train(), "mlci:data=d.csv@sha256:x");

    DesignMatrix a = viaTribuo.matrix();
    DesignMatrix b = fromColumns.matrix();
    assertThat(b.rows()).isEqualTo(a.rows());
    assertThat(b.columns()).isEqualTo(a.columns());
    assertThat(b.values()).containsExactly(a.values());
    assertThat(b.classes()).isEqualTo(a.classes());
    assertThat(b.targets()).isEqualTo(a.targets());
    assertThat(fromColumns.features().size()).isEqualTo(viaTribuo.features().size());
    for (VariableInfo info : viaTribuo.features()) {
      VariableInfo other = fromColumns.features().get(info.getName());
      assertThat(other).as(info.getName()).isEqualTo(info);
      assertThat(other.getClass()).isEqualTo(info.getClass());
      assertThat(fromColumns.features().getID(info.getName()))
          .isEqualTo(viaTribuo.features().getID(info.getName()));
    }
    assertThat(fromColumns.outputs().toReadableString())
        .isEqualTo(viaTribuo.outputs().toReadableString());
    for (T o : viaTribuo.outputs().getDomain()) {
      assertThat(fromColumns.outputs().getID(o)).isEqualTo(viaTribuo.outputs().getID(o));
    }
    assertThat(fromColumns.provenance()).isEqualTo(viaTribuo.provenance());
    assertThat(fromColumns.provenance().toString()).isEqualTo(viaTribuo.provenance().toString());
  }

  @Test
  void classification_equalsTheTribuoDatasetsInput() throws Exception {
    assertSame("classification", true);
  }

  @Test
  void classificationUnstandardised_equalsTheTribuoDatasetsInput() throws Exception {
    assertSame("classification", false);
  }

  @Test
  void regression_equalsTheTribuoDatasetsInput() throws Exception {
    assertSame("regression", true);
  }
}
