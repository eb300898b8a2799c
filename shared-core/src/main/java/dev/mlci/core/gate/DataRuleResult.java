package dev.mlci.core.gate;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one data rule.
 *
 * @param id a stable name, e.g. {@code drift.train.age}, {@code schema.unseen_categories} (the
 *     JUnit test case, the MLflow metric)
 * @param kind schema, drift, label or dataset
 * @param split the split compared ({@code train}, {@code test}), or empty for a rule over both
 * @param column the column, or empty for a rule over columns
 * @param statistic what {@link #estimate} measures: {@code normed_wasserstein}, {@code
 *     jensen_shannon}, {@code share}, {@code count}
 * @param estimate the statistic's value (NaN when not computed)
 * @param interval its bootstrap interval, for drift rules
 * @param threshold the value beyond which the rule FAILs
 * @param verdict the outcome
 * @param reasons why, one sentence each
 * @param line the ml.yaml line of the rule's key, 0 for a default
 * @param histogram baseline vs candidate shares per bin (numbers) or category, for gate.html: for
 *     the {@link #CHARTED} most drifted of the drift rules that were measured ({@link
 *     #MOST_DRIFTED_FIRST}), the ones the page draws
 */
public record DataRuleResult(
    String id,
    Kind kind,
    String split,
    String column,
    String statistic,
    double estimate,
    Optional<Interval> interval,
    double threshold,
    Verdict verdict,
    List<String> reasons,
    int line,
    Optional<Histogram> histogram) {

  /**
   * Shares of baseline and candidate per bin or category.
   *
   * @param bins the bins' labels
   * @param baseline the baseline's share per bin
   * @param candidate the candidate's share per bin
   */
  public record Histogram(List<String> bins, double[] baseline, double[] candidate) {
    public Histogram {
      bins = List.copyOf(bins);
      baseline = baseline.clone();
      candidate = candidate.clone();
      if (baseline.length != bins.size() || candidate.length != bins.size()) {
        throw new IllegalArgumentException("a histogram needs one share per bin and side");
      }
    }

    @Override
    public double[] baseline() {
      return baseline.clone();
    }

    @Override
    public double[] candidate() {
      return candidate.clone();
    }
  }

  /** What a data rule checks. */
  public enum Kind {
    SCHEMA,
    DRIFT,
    LABEL,
    DATASET;

    public String yamlName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Drift rules the reports chart at most: gate.md's bar chart, gate.html's histograms. */
  public static final int CHARTED = 8;

  /** The reports' order of drift rules: by estimate over threshold, the most drifted first. */
  public static final Comparator<DataRuleResult> MOST_DRIFTED_FIRST =
      Comparator.comparingDouble((DataRuleResult r) -> -r.estimate() / r.threshold());

  public DataRuleResult {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(statistic, "statistic");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(verdict, "verdict");
    reasons = List.copyOf(reasons);
    Objects.requireNonNull(histogram, "histogram");
  }

  /** This result with {@code h} as its histogram. */
  public DataRuleResult withHistogram(Histogram h) {
    return new DataRuleResult(
        id,
        kind,
        split,
        column,
        statistic,
        estimate,
        interval,
        threshold,
        verdict,
        reasons,
        line,
        Optional.of(h));
  }

  /** The rule as the reports name it, e.g. {@code drift train age (normed_wasserstein)}. */
  public String describe() {
    return switch (kind) {
      case SCHEMA -> id;
      case DATASET -> "dataset drift " + split;
      case DRIFT, LABEL ->
          (kind == Kind.LABEL ? "label drift " : "drift ")
              + split
              + " "
              + column
              + " ("
              + statistic
              + ")";
    };
  }
}
