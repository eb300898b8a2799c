package dev.mlci.core.datagate;

import dev.mlci.core.gate.DataGateResult;
import dev.mlci.core.gate.DataRuleResult;
import dev.mlci.core.gate.Interval;
import dev.mlci.core.gate.ReportNumbers;
import dev.mlci.core.gate.Verdict;
import dev.mlci.format.profile.ColumnProfile;
import dev.mlci.format.profile.DataProfile;
import dev.mlci.format.profile.Drift;
import dev.mlci.format.profile.TableProfile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The data gate: schema rules and drift rules comparing the candidate's data profile with the
 * baseline's.
 *
 * <p><b>Schema rules</b> (point checks, no noise to allow for): a column added, removed or changing
 * kind; a category the baseline never saw, beyond {@code data.schema.unseen_share} of the rows; a
 * missing rate risen beyond {@code data.schema.missing_tolerance}; a value outside a declared
 * range. Pinned kinds and ranges are checked even without a baseline.
 *
 * <p><b>Drift rules</b> are effect sizes with intervals: the normed Wasserstein distance of each
 * numeric column, the Jensen–Shannon distance of each categorical column and of the class labels (a
 * regression target: normed Wasserstein), per split. A rule FAILs only when its interval's
 * <em>lower</em> end exceeds the threshold, PASSes when the upper end is at or below it, and is
 * INCONCLUSIVE between: large data does not turn small drifts red, small data does not turn
 * anything green. The dataset rule FAILs when at least {@code dataset_share} of the feature columns
 * of a split FAIL.
 *
 * <p><b>Family-wise control.</b> The drift checks form one family at the gate's confidence {@code 1
 * − α}: each interval's ends lie at tail {@code α / (2m)} for {@code m} checks (Bonferroni), so for
 * the data gate as a whole P(some FAIL while no column truly drifts past its threshold) ≤ α/2 (2.5%
 * at the default 95%), as for the model rules.
 */
public final class DataGate {
  /**
   * Fewest values on each side for a drift check ({@value}): below, two samples of one distribution
   * are often farther apart than the default thresholds (VALIDATION.md).
   */
  public static final int MIN_VALUES = 100;

  private final DataGateConfig config;
  private final double confidence;
  private final int resamples;
  private final long seed;

  public DataGate(DataGateConfig config, double confidence, int resamples, long seed) {
    this.config = config;
    this.confidence = confidence;
    this.resamples = resamples;
    this.seed = seed;
  }

  /** Decides on the candidate's profile against the baseline's (if any). */
  public DataGateResult evaluate(Optional<DataProfile> candidate, Optional<DataProfile> baseline) {
    if (!config.enabled()) {
      return DataGateResult.skipped("The data gate is off (gate.data_rules.enabled: false).");
    }
    if (candidate.isEmpty()) {
      return DataGateResult.skipped(
          "The data gate did not run: the candidate's evaluation holds no data profile"
              + " (evaluated by an older mlci; evaluate again).");
    }
    List<DataRuleResult> rules = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    DataProfile cand = candidate.get();
    rules.addAll(pinned(cand));
    if (baseline.isEmpty()) {
      notes.add(
          "The data gate compared no drift: there is no baseline profile (no baseline, or one"
              + " evaluated by an older mlci); only the pinned data.schema was checked.");
      return result(rules, notes);
    }
    DataProfile base = baseline.get();
    int schemaIndex = rules.size();
    // The drift family: every check of every split.
    List<Pair> pairs = new ArrayList<>();
    for (String split : config.splits()) {
      Optional<TableProfile> b = base.split(split);
      Optional<TableProfile> c = cand.split(split);
      if (b.isEmpty() || c.isEmpty()) {
        notes.add("The " + split + " split is not in both profiles; it was not compared.");
        continue;
      }
      for (ColumnProfile cc : c.get().features()) {
        b.get()
            .feature(cc.name())
            .filter(bc -> bc.kind() == cc.kind())
            .ifPresent(bc -> pairs.add(new Pair(split, bc, cc, false)));
      }
      if (config.label()
          && b.get().target().isPresent()
          && c.get().target().isPresent()
          && b.get().target().get().kind() == c.get().target().get().kind()) {
        pairs.add(new Pair(split, b.get().target().get(), c.get().target().get(), true));
      }
    }
    int m = Math.max(1, pairs.size());
    double alpha = 1 - confidence;
    double tail = alpha / (2 * m);
    rules.addAll(schemaIndex, schema(base, cand, tail));
    // The numeric checks' intervals in one batch (they share their resamples' weights where the
    // sketches have the same sizes, DriftBootstrap); the categorical ones one by one.
    List<DriftBootstrap.Check> numeric = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      if (p.base.kind() == ColumnProfile.Kind.NUMBER && measurable(p)) {
        numeric.add(new DriftBootstrap.Check(p.base, p.cand, seed + 7919L * i));
      }
    }
    java.util.Iterator<Interval> numericIntervals =
        DriftBootstrap.wasserstein(numeric, tail, resamples).iterator();
    Map<String, List<DataRuleResult>> bySplit = new java.util.LinkedHashMap<>();
    List<Measured> measured = new ArrayList<>();
    int index = 0;
    for (Pair p : pairs) {
      long pairSeed = seed + 7919L * index++;
      DataRuleResult r =
          drift(
              p,
              tail,
              () ->
                  p.base.kind() == ColumnProfile.Kind.NUMBER
                      ? numericIntervals.next()
                      : DriftBootstrap.jensenShannon(p.base, p.cand, tail, resamples, pairSeed));
      if (measurable(p)) {
        measured.add(new Measured(rules.size(), r, p));
      }
      rules.add(r);
      if (!p.label) {
        bySplit.computeIfAbsent(p.split, k -> new ArrayList<>()).add(r);
      }
    }
    // Histograms only for the rules the page charts: formatting every bin of every column took
    // most of a no-op data gate's time (bench/startup).
    measured.stream()
        .sorted(Comparator.comparing(Measured::result, DataRuleResult.MOST_DRIFTED_FIRST))
        .limit(DataRuleResult.CHARTED)
        .forEach(
            charted ->
                rules.set(
                    charted.at(),
                    charted
                        .result()
                        .withHistogram(Histograms.of(charted.pair().base, charted.pair().cand))));
    for (Map.Entry<String, List<DataRuleResult>> e : bySplit.entrySet()) {
      rules.add(dataset(e.getKey(), e.getValue()));
    }
    notes.add(
        String.format(
            Locale.ROOT,
            "Data drift family-wise: the %d drift %s at %s confidence (each interval at %s"
                + " per side), so a resample of the same data turns the data gate red with"
                + " probability at most %s.",
            pairs.size(),
            pairs.size() == 1 ? "check holds" : "checks hold together",
            ReportNumbers.percent(confidence),
            pct(2 * tail),
            pct(alpha / 2)));
    return result(rules, notes);
  }

  /** A range or interval of non-negative statistics, low end first: {@code [0.0412, 0.1530]}. */
  static String range(double lo, double hi) {
    return "[" + ReportNumbers.value(lo) + ", " + ReportNumbers.value(hi) + "]";
  }

  /** A share with one decimal: {@code 4.8%}. */
  static String share(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
  }

  private static String pct(double p) {
    return String.format(Locale.ROOT, "%.2g%%", 100 * p);
  }

  private record Pair(String split, ColumnProfile base, ColumnProfile cand, boolean label) {}

  /** A measured drift rule's result, its place among the rules and its columns. */
  private record Measured(int at, DataRuleResult result, Pair pair) {}

  private DataGateResult result(List<DataRuleResult> rules, List<String> notes) {
    Verdict v = Verdict.PASS;
    for (DataRuleResult r : rules) {
      if (r.verdict() == Verdict.FAIL) {
        v = Verdict.FAIL;
      } else if (r.verdict() == Verdict.INCONCLUSIVE && v == Verdict.PASS) {
        v = Verdict.INCONCLUSIVE;
      }
    }
    return new DataGateResult(true, v, rules, notes);
  }

  /** Whether a pair has the values a drift check needs ({@link #MIN_VALUES} a side). */
  private static boolean measurable(Pair p) {
    return p.base.count() >= MIN_VALUES && p.cand.count() >= MIN_VALUES;
  }

  private DataRuleResult drift(
      Pair p, double tail, java.util.function.Supplier<Interval> interval) {
    boolean numeric = p.base.kind() == ColumnProfile.Kind.NUMBER;
    double threshold = numeric ? config.wasserstein() : config.jensenShannon();
    String statistic = numeric ? "normed_wasserstein" : "jensen_shannon";
    String key =
        p.label
            ? "gate.data_rules.label"
            : numeric ? "gate.data_rules.wasserstein" : "gate.data_rules.jensen_shannon";
    String id = (p.label ? "label." : "drift.") + p.split + "." + p.cand.name();
    DataRuleResult.Kind kind = p.label ? DataRuleResult.Kind.LABEL : DataRuleResult.Kind.DRIFT;
    if (!measurable(p)) {
      return new DataRuleResult(
          id,
          kind,
          p.split,
          p.cand.name(),
          statistic,
          Double.NaN,
          Optional.empty(),
          threshold,
          Verdict.INCONCLUSIVE,
          List.of(
              "too few values to measure drift ("
                  + p.base.count()
                  + " in the baseline, "
                  + p.cand.count()
                  + " in the candidate; a drift check needs "
                  + MIN_VALUES
                  + " on each side, below that the distance of two samples of the same data is"
                  + " often above the threshold)"),
          config.line(key),
          Optional.empty());
    }
    Interval ci = interval.get();
    Verdict v;
    List<String> reasons = new ArrayList<>();
    String what =
        (numeric ? "normed Wasserstein distance " : "Jensen–Shannon distance ")
            + ReportNumbers.value(ci.estimate())
            + " "
            + range(ci.lo(), ci.hi());
    if (ci.lo() > threshold) {
      v = config.driftFails() ? Verdict.FAIL : Verdict.INCONCLUSIVE;
      reasons.add(
          what
              + ": the whole interval lies above the threshold "
              + ReportNumbers.value(threshold)
              + ", a drift beyond noise"
              + (config.driftFails() ? "" : " (gate.data_rules.severity: warn)"));
      reasons.add(describeShift(p));
    } else if (ci.hi() <= threshold) {
      v = Verdict.PASS;
      reasons.add(what + ": at most the threshold " + ReportNumbers.value(threshold));
    } else {
      v = Verdict.INCONCLUSIVE;
      reasons.add(
          what
              + ": the interval straddles the threshold "
              + ReportNumbers.value(threshold)
              + "; these rows cannot tell whether the column drifted that far");
    }
    return new DataRuleResult(
        id,
        kind,
        p.split,
        p.cand.name(),
        statistic,
        ci.estimate(),
        Optional.of(ci),
        threshold,
        v,
        reasons,
        config.line(key),
        Optional.empty());
  }

  /** In words, how a drifted column moved (mean and spread, or the categories that moved most). */
  static String describeShift(Pair p) {
    if (p.base.kind() == ColumnProfile.Kind.NUMBER) {
      return "mean "
          + ReportNumbers.value(p.base.mean())
          + " → "
          + ReportNumbers.value(p.cand.mean())
          + ", standard deviation "
          + ReportNumbers.value(p.base.std())
          + " → "
          + ReportNumbers.value(p.cand.std());
    }
    List<String> union = Drift.categoryUnion(p.base, p.cand);
    double[] a = Drift.counts(p.base, union);
    double[] b = Drift.counts(p.cand, union);
    double sa = java.util.Arrays.stream(a).sum();
    double sb = java.util.Arrays.stream(b).sum();
    int top = 0;
    for (int k = 1; k < union.size(); k++) {
      if (Math.abs(b[k] / sb - a[k] / sa) > Math.abs(b[top] / sb - a[top] / sa)) {
        top = k;
      }
    }
    String name =
        union.get(top).equals(Drift.OTHER) ? "(other categories)" : "'" + union.get(top) + "'";
    return "the share of "
        + name
        + " moved most: "
        + share(a[top] / sa)
        + " → "
        + share(b[top] / sb);
  }

  private DataRuleResult dataset(String split, List<DataRuleResult> columns) {
    long drifted = columns.stream().filter(r -> r.verdict() == Verdict.FAIL).count();
    double share = columns.isEmpty() ? 0 : (double) drifted / columns.size();
    boolean fails = share >= config.datasetShare() && drifted > 0;
    String reason =
        drifted
            + " of "
            + columns.size()
            + " feature columns drifted ("
            + share(share)
            + "; the dataset drifts from "
            + share(config.datasetShare())
            + ")";
    return new DataRuleResult(
        "dataset." + split,
        DataRuleResult.Kind.DATASET,
        split,
        "",
        "share",
        share,
        Optional.empty(),
        config.datasetShare(),
        fails ? (config.driftFails() ? Verdict.FAIL : Verdict.INCONCLUSIVE) : Verdict.PASS,
        List.of(reason),
        config.line("gate.data_rules.dataset_share"),
        Optional.empty());
  }

  /** Pinned kinds and ranges, checked on the candidate alone. */
  private List<DataRuleResult> pinned(DataProfile cand) {
    List<DataRuleResult> out = new ArrayList<>();
    if (!config.columns().isEmpty()) {
      List<String> problems = new ArrayList<>();
      for (TableProfile t : cand.splits().values()) {
        for (Map.Entry<String, ColumnProfile.Kind> e : config.columns().entrySet()) {
          Optional<ColumnProfile> c = t.feature(e.getKey());
          if (c.isEmpty()) {
            problems.add(e.getKey() + " is pinned but not a feature column");
          } else if (c.get().kind() != e.getValue()) {
            problems.add(
                e.getKey()
                    + " is pinned as a "
                    + e.getValue().yamlName()
                    + " but is a "
                    + c.get().kind().yamlName());
          }
        }
      }
      out.add(
          schemaRule(
              "schema.pinned_columns",
              "count",
              new ArrayList<>(new LinkedHashSet<>(problems)),
              "every pinned column has its pinned kind",
              config.line("data.schema.columns")));
    }
    if (!config.ranges().isEmpty()) {
      Set<String> problems = new LinkedHashSet<>();
      for (Map.Entry<String, TableProfile> t : cand.splits().entrySet()) {
        for (Map.Entry<String, DataGateConfig.Range> e : config.ranges().entrySet()) {
          Optional<ColumnProfile> c = t.getValue().feature(e.getKey());
          if (c.isEmpty() || c.get().kind() != ColumnProfile.Kind.NUMBER || c.get().count() == 0) {
            continue;
          }
          DataGateConfig.Range r = e.getValue();
          if (c.get().min() < r.min() || c.get().max() > r.max()) {
            problems.add(
                e.getKey()
                    + " ("
                    + t.getKey()
                    + ") spans "
                    + range(c.get().min(), c.get().max())
                    + ", outside the declared "
                    + range(r.min(), r.max())
                    + outsideShare(c.get(), r));
          }
        }
      }
      out.add(
          schemaRule(
              "schema.ranges",
              "count",
              new ArrayList<>(problems),
              "every value lies in its declared range",
              config.line("data.schema.ranges")));
    }
    return out;
  }

  /** About how many values lie outside {@code r}, from the quantile sketch. */
  private static String outsideShare(ColumnProfile c, DataGateConfig.Range r) {
    double[] q = c.quantiles();
    int out = 0;
    for (double v : q) {
      if (v < r.min() || v > r.max()) {
        out++;
      }
    }
    return out == 0
        ? " (fewer than " + share(1.0 / q.length) + " of the values)"
        : " (about " + share((double) out / q.length) + " of the values)";
  }

  /** The schema inferred from the baseline's profile. */
  private List<DataRuleResult> schema(DataProfile base, DataProfile cand, double tail) {
    List<String> columnProblems = new ArrayList<>();
    List<String> unseen = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Map.Entry<String, TableProfile> e : cand.splits().entrySet()) {
      Optional<TableProfile> b = base.split(e.getKey());
      if (b.isEmpty()) {
        continue;
      }
      String split = e.getKey();
      for (ColumnProfile bc : b.get().features()) {
        if (e.getValue().feature(bc.name()).isEmpty() && seen.add("removed " + bc.name())) {
          columnProblems.add(bc.name() + " was removed");
        }
      }
      for (ColumnProfile cc : e.getValue().features()) {
        Optional<ColumnProfile> bc = b.get().feature(cc.name());
        if (bc.isEmpty()) {
          if (seen.add("added " + cc.name())) {
            columnProblems.add(cc.name() + " was added");
          }
          continue;
        }
        if (bc.get().kind() != cc.kind()) {
          if (seen.add("kind " + cc.name())) {
            columnProblems.add(
                cc.name()
                    + " changed from a "
                    + bc.get().kind().yamlName()
                    + " to a "
                    + cc.kind().yamlName());
          }
          continue;
        }
        double rise = cc.missingRate() - bc.get().missingRate();
        if (rise > config.missingTolerance()) {
          missing.add(
              cc.name()
                  + " ("
                  + split
                  + ") missing "
                  + share(bc.get().missingRate())
                  + " → "
                  + share(cc.missingRate()));
        }
        Optional<Set<String>> known = knownCategories(base, cc.name());
        if (cc.kind() == ColumnProfile.Kind.CATEGORY && known.isPresent()) {
          long count = 0;
          List<String> names = new ArrayList<>();
          for (Map.Entry<String, Long> cat : cc.categories().entrySet()) {
            if (!known.get().contains(cat.getKey())) {
              count += cat.getValue();
              names.add("'" + cat.getKey() + "'");
            }
          }
          count += cc.other(); // folded categories: not listed, so not known to the baseline
          long rows = cc.count() + cc.missing();
          double share = rows == 0 ? 0 : (double) count / rows;
          // Noise-aware: a category the baseline's N rows never held may still have had a share
          // up to 1 - tail^(1/N) there; it is new beyond noise only when the candidate's share,
          // at its Wilson lower bound, exceeds both that and the tolerance.
          long baseRows = baseRows(base, cc.name());
          double unseenUpTo = baseRows == 0 ? 1 : 1 - Math.pow(tail, 1.0 / baseRows);
          double lower = wilsonLower(count, rows, tail);
          if (count > 0
              && share > config.unseenShare()
              && lower > Math.max(config.unseenShare(), unseenUpTo)) {
            unseen.add(
                cc.name()
                    + " ("
                    + split
                    + ") has "
                    + count
                    + " rows ("
                    + share(share)
                    + ") of categories the baseline never saw: "
                    + String.join(", ", names.subList(0, Math.min(5, names.size())))
                    + (names.size() > 5 ? ", ..." : ""));
          }
        }
      }
    }
    List<DataRuleResult> out = new ArrayList<>();
    // A feature added or removed may be ml.yaml's new selection (a model change the model rules
    // judge), so it is reported, not failed; a kind that changed is the data's. Pinned columns
    // (data.schema.columns) must be present.
    List<String> retyped =
        columnProblems.stream().filter(p -> p.contains(" changed from ")).toList();
    List<String> moved =
        columnProblems.stream().filter(p -> !p.contains(" changed from ")).toList();
    DataRuleResult columns =
        schemaRule(
            "schema.columns",
            "count",
            retyped,
            "the feature columns the baseline has keep their kinds",
            config.line("data.schema.columns"));
    if (!moved.isEmpty()) {
      List<String> reasons =
          new ArrayList<>(columns.verdict() == Verdict.PASS ? List.of() : columns.reasons());
      reasons.add(
          "feature columns changed: "
              + String.join(", ", moved)
              + " (by ml.yaml's feature selection or by the data; pin the columns that must be"
              + " present in data.schema.columns)");
      columns =
          new DataRuleResult(
              columns.id(),
              columns.kind(),
              "",
              "",
              "count",
              retyped.size(),
              Optional.empty(),
              0,
              columns.verdict(),
              reasons,
              columns.line(),
              Optional.empty());
    }
    out.add(columns);
    out.add(
        schemaRule(
            "schema.unseen_categories",
            "count",
            unseen,
            "no category the baseline never saw in more than "
                + share(config.unseenShare())
                + " of the rows",
            config.line("data.schema.unseen_share")));
    out.add(
        schemaRule(
            "schema.missing_rate",
            "count",
            missing,
            "no missing rate more than "
                + share(config.missingTolerance())
                + " above the baseline's",
            config.line("data.schema.missing_tolerance")));
    return out;
  }

  /** The values of column {@code name} over every split of the baseline. */
  private static long baseRows(DataProfile base, String name) {
    long n = 0;
    for (TableProfile t : base.splits().values()) {
      n += t.feature(name).map(ColumnProfile::count).orElse(0L);
    }
    return n;
  }

  /** The Wilson score lower bound of a share {@code k / n} at one-sided tail {@code tail}. */
  static double wilsonLower(long k, long n, double tail) {
    if (n == 0) {
      return 0;
    }
    double z =
        org.apache.commons.statistics.distribution.NormalDistribution.of(0, 1)
            .inverseSurvivalProbability(tail);
    double p = (double) k / n;
    double z2 = z * z;
    double centre = p + z2 / (2 * n);
    double spread = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return Math.max(0, (centre - spread) / (1 + z2 / n));
  }

  /**
   * The categories of column {@code name} in any split of the baseline, when every split lists all
   * of its categories (none folded into other).
   */
  private static Optional<Set<String>> knownCategories(DataProfile base, String name) {
    Set<String> known = new java.util.HashSet<>();
    for (TableProfile t : base.splits().values()) {
      Optional<ColumnProfile> c = t.feature(name);
      if (c.isPresent()) {
        if (c.get().kind() != ColumnProfile.Kind.CATEGORY || !c.get().complete()) {
          return Optional.empty();
        }
        known.addAll(c.get().categories().keySet());
      }
    }
    return Optional.of(known);
  }

  private DataRuleResult schemaRule(
      String id, String statistic, List<String> problems, String ok, int line) {
    Verdict v =
        problems.isEmpty()
            ? Verdict.PASS
            : config.schemaFails() ? Verdict.FAIL : Verdict.INCONCLUSIVE;
    return new DataRuleResult(
        id,
        DataRuleResult.Kind.SCHEMA,
        "",
        "",
        statistic,
        problems.size(),
        Optional.empty(),
        0,
        v,
        problems.isEmpty() ? List.of(ok) : problems,
        line,
        Optional.empty());
  }
}
