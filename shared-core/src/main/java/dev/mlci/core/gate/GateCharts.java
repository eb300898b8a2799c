package dev.mlci.core.gate;

import dev.mlci.core.eval.ClassificationPredictions;
import dev.mlci.core.eval.EvaluationBundle;
import dev.mlci.core.eval.Predictions;
import dev.mlci.core.eval.RegressionPredictions;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.util.DoubleConverter;

/**
 * The plots of gate.html, drawn with JFreeChart as inline SVG in a clean theme, each with a legend:
 * the improvement of every compared rule with its interval and tolerated drop; accuracy against
 * always predicting the majority class; ROC (with the chance diagonal) and precision-recall (with
 * the no-skill line) curves of baseline and candidate for binary classification, per-class F1 for
 * multiclass, residuals for regression. Curves are thinned so the page stays small however many
 * examples there are.
 */
final class GateCharts {
  private static final int WIDTH = 520;
  private static final int HEIGHT = 360;

  static final Color BLUE = new Color(0x0969da);
  static final Color GREEN = new Color(0x1a7f37);
  static final Color RED = new Color(0xcf222e);
  static final Color GREY = new Color(0x6e7781);
  static final Color GRID = new Color(0xd8dee4);

  private GateCharts() {}

  /**
   * Starts the chart library on a daemon thread: draws a small throw-away chart, so the classes of
   * JFreeChart and Java 2D and the fonts' metrics (most of the first chart's time) are loaded while
   * the gate still computes. The drawing is discarded; the report's charts do not depend on it.
   * Once per JVM: a second call (the CLI's early start, then the gate step's) does nothing.
   */
  static void warmUpInBackground() {
    Objects.requireNonNull(WarmUp.THREAD);
  }

  /** The warm-up's thread, started by the first {@link #warmUpInBackground}: once per JVM. */
  private static final class WarmUp {
    static final Thread THREAD = start();

    private static Thread start() {
      Thread thread =
          new Thread(
              () -> {
                XYSeries s = new XYSeries("warm-up");
                s.add(0, 0);
                s.add(1, 1);
                svg(0, line("warm-up", "x", "y", new XYSeriesCollection(s)));
              },
              "mlci-chart-warm-up");
      thread.setDaemon(true);
      thread.start();
      return thread;
    }
  }

  /** The SVG of every plot for {@code v}, in page order. */
  static List<String> plots(
      GateView v, EvaluationBundle candidate, Optional<EvaluationBundle> baseline) {
    List<String> svgs = new ArrayList<>();
    improvementChart(v).ifPresent(chart -> svgs.add(svg(svgs.size(), chart)));
    v.majority().ifPresent(m -> svgs.add(svg(svgs.size(), accuracyChart(m))));
    Optional<Predictions> base = baseline.map(EvaluationBundle::predictions);
    if (candidate.predictions() instanceof ClassificationPredictions c) {
      if (c.classes().size() == 2) {
        XYSeriesCollection roc = new XYSeriesCollection();
        XYSeriesCollection pr = new XYSeriesCollection();
        base.filter(ClassificationPredictions.class::isInstance)
            .map(ClassificationPredictions.class::cast)
            .filter(b -> b.classes().size() == 2)
            .ifPresent(b -> ChartSeries.curves(b, "baseline", roc, pr));
        ChartSeries.curves(c, "candidate", roc, pr);
        XYSeries chance = new XYSeries("chance (random scores)", false, true);
        chance.add(0, 0);
        chance.add(1, 1);
        roc.addSeries(chance);
        double prevalence = ChartSeries.prevalence(c);
        XYSeries noSkill =
            new XYSeries("chance (prevalence " + ReportNumbers.value(prevalence) + ")");
        noSkill.add(0, prevalence);
        noSkill.add(1, prevalence);
        pr.addSeries(noSkill);
        svgs.add(
            svg(
                svgs.size(),
                line(
                    "ROC curve (" + c.classes().get(c.positive()) + " positive)",
                    "false positive rate",
                    "true positive rate",
                    roc)));
        svgs.add(svg(svgs.size(), line("Precision-recall curve", "recall", "precision", pr)));
      } else {
        DefaultCategoryDataset f1 = new DefaultCategoryDataset();
        base.filter(ClassificationPredictions.class::isInstance)
            .map(ClassificationPredictions.class::cast)
            .ifPresent(b -> ChartSeries.perClassF1(b, "baseline", f1));
        ChartSeries.perClassF1(c, "candidate", f1);
        JFreeChart chart =
            ChartFactory.createBarChart(
                "F1 per class", "class", "F1", f1, PlotOrientation.VERTICAL, true, false, false);
        clean(chart);
        BarRenderer bars = (BarRenderer) chart.getCategoryPlot().getRenderer();
        for (int s = 0; s < f1.getRowCount(); s++) {
          bars.setSeriesPaint(s, f1.getRowKey(s).equals("baseline") ? GREY : BLUE);
        }
        svgs.add(svg(svgs.size(), chart));
      }
    } else {
      XYSeriesCollection residuals = new XYSeriesCollection();
      base.filter(RegressionPredictions.class::isInstance)
          .ifPresent(
              b ->
                  residuals.addSeries(
                      ChartSeries.residuals((RegressionPredictions) b, "baseline")));
      residuals.addSeries(
          ChartSeries.residuals((RegressionPredictions) candidate.predictions(), "candidate"));
      JFreeChart chart =
          ChartFactory.createScatterPlot(
              "Residuals (truth − prediction)",
              "prediction",
              "residual",
              residuals,
              PlotOrientation.VERTICAL,
              true,
              false,
              false);
      clean(chart);
      XYPlot plot = chart.getXYPlot();
      // Squares: a third of a circle's bytes in SVG, the same dot at this size.
      Shape dot = new Rectangle2D.Double(-1.5, -1.5, 3, 3);
      // Filled only: an outline would repeat every dot in the SVG.
      ((XYLineAndShapeRenderer) plot.getRenderer()).setDrawOutlines(false);
      for (int s = 0; s < residuals.getSeriesCount(); s++) {
        plot.getRenderer().setSeriesShape(s, dot);
        plot.getRenderer()
            .setSeriesPaint(s, residuals.getSeriesKey(s).equals("baseline") ? GREY : BLUE);
      }
      ValueMarker zero = new ValueMarker(0, Color.BLACK, new BasicStroke(1f));
      plot.addRangeMarker(zero);
      svgs.add(svg(svgs.size(), chart));
    }
    return svgs;
  }

  /**
   * The improvement of every compared rule as a horizontal interval with its estimate, the
   * tolerated drop of each rule and zero: the gate.md charts in one figure.
   */
  private static Optional<JFreeChart> improvementChart(GateView v) {
    List<RuleView> compared = v.rules().stream().filter(r -> r.improvement().isPresent()).toList();
    if (compared.isEmpty()) {
      return Optional.empty();
    }
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    YIntervalSeries intervals = new YIntervalSeries("interval and estimate", false, true);
    YIntervalSeries tolerances = new YIntervalSeries("tolerated drop", false, true);
    String[] names = new String[compared.size()];
    for (int k = 0; k < compared.size(); k++) {
      RuleView r = compared.get(k);
      Interval i = r.improvement().orElseThrow();
      names[k] = r.metric() + " " + r.arrow();
      intervals.add(k, finite(i.estimate()), finite(i.lo()), finite(i.hi()));
      tolerances.add(k, r.toleranceLine(), r.toleranceLine(), r.toleranceLine());
    }
    data.addSeries(intervals);
    data.addSeries(tolerances);
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Improvement vs baseline (positive = better)",
            "",
            "improvement, " + v.confidenceHeader() + " interval",
            data,
            PlotOrientation.HORIZONTAL,
            true,
            false,
            false);
    clean(chart);
    XYPlot plot = chart.getXYPlot();
    SymbolAxis rules = new SymbolAxis("", names);
    rules.setGridBandsVisible(false);
    rules.setInverted(true);
    rules.setTickLabelFont(plot.getRangeAxis().getTickLabelFont().deriveFont(12f));
    plot.setDomainAxis(rules);
    // Zero and every tolerance line inside the plot, with room around them (markers do not count
    // in JFreeChart's automatic range).
    double min = 0;
    double max = 0;
    for (RuleView r : compared) {
      Interval i = r.improvement().orElseThrow();
      min = Math.min(min, Math.min(finite(i.lo()), r.toleranceLine()));
      max = Math.max(max, finite(i.hi()));
    }
    double pad = Math.max(1e-4, (max - min) * 0.1);
    plot.getRangeAxis().setRange(min - pad, max + pad);
    XYErrorRenderer renderer = new XYErrorRenderer();
    renderer.setDrawXError(false);
    renderer.setDrawYError(true);
    renderer.setDefaultLinesVisible(false);
    renderer.setErrorStroke(new BasicStroke(3f));
    renderer.setErrorPaint(BLUE);
    renderer.setSeriesPaint(0, BLUE);
    renderer.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
    renderer.setSeriesPaint(1, RED);
    renderer.setSeriesShape(1, new Rectangle2D.Double(-1.5, -9, 3, 18));
    plot.setRenderer(renderer);
    plot.addRangeMarker(new ValueMarker(0, Color.BLACK, new BasicStroke(1f)));
    LegendItemCollection legend = new LegendItemCollection();
    legend.add(new LegendItem("interval and estimate", BLUE));
    legend.add(new LegendItem("tolerated drop (below it: FAIL)", RED));
    legend.add(new LegendItem("zero (no change)", Color.BLACK));
    plot.setFixedLegendItems(legend);
    return Optional.of(chart);
  }

  /** Baseline and candidate accuracy as bars, always predicting the majority class as a line. */
  private static JFreeChart accuracyChart(GateView.MajorityClass m) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    if (!Double.isNaN(m.baselineAccuracy())) {
      data.addValue(m.baselineAccuracy(), "accuracy", "baseline");
    }
    data.addValue(m.candidateAccuracy(), "accuracy", "candidate");
    JFreeChart chart =
        ChartFactory.createBarChart(
            "Accuracy vs the majority class",
            "",
            "accuracy",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    clean(chart);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.getRangeAxis().setRange(0, 1);
    BarRenderer bars = (BarRenderer) plot.getRenderer();
    bars.setSeriesPaint(0, BLUE);
    bars.setMaximumBarWidth(0.25);
    ValueMarker line =
        new ValueMarker(m.accuracy(), RED, new BasicStroke(2f, 0, 0, 1f, new float[] {6f, 4f}, 0));
    plot.addRangeMarker(line);
    LegendItemCollection legend = new LegendItemCollection();
    legend.add(new LegendItem("accuracy", BLUE));
    legend.add(
        new LegendItem(
            "always '" + m.label() + "' (majority class): " + ReportNumbers.value(m.accuracy()),
            RED));
    plot.setFixedLegendItems(legend);
    return chart;
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v + 0.0 : 0;
  }

  private static JFreeChart line(String title, String x, String y, XYSeriesCollection data) {
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
    clean(chart);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
    // One path per series instead of one element per segment: a fifth of the bytes.
    renderer.setDrawSeriesLineAsPath(true);
    for (int s = 0; s < data.getSeriesCount(); s++) {
      String key = data.getSeriesKey(s).toString();
      if (key.startsWith("chance")) {
        renderer.setSeriesStroke(
            s, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, DASH, 0f));
        renderer.setSeriesPaint(s, GREY);
      } else {
        renderer.setSeriesStroke(s, new BasicStroke(2f));
        renderer.setSeriesPaint(s, key.equals("baseline") ? GREY : BLUE);
      }
    }
    if (title.startsWith("ROC") || title.startsWith("Precision")) {
      ((NumberAxis) plot.getDomainAxis()).setRange(0, 1);
      ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.02);
    }
    return chart;
  }

  private static final float[] DASH = {5f, 4f};

  /**
   * A clean theme (white plot, light grid, no outline, legend without a frame), applied per chart:
   * JFreeChart's default is a grey plot background.
   */
  static void clean(JFreeChart chart) {
    StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
    theme.setChartBackgroundPaint(Color.WHITE);
    theme.setPlotBackgroundPaint(Color.WHITE);
    theme.setLegendBackgroundPaint(Color.WHITE);
    theme.setDomainGridlinePaint(GRID);
    theme.setRangeGridlinePaint(GRID);
    theme.setPlotOutlinePaint(Color.WHITE);
    theme.setBarPainter(new StandardBarPainter());
    theme.setShadowVisible(false);
    theme.apply(chart);
    chart.getPlot().setOutlineVisible(false);
    if (chart.getLegend() != null) {
      chart.getLegend().setFrame(BlockBorder.NONE);
    }
  }

  private static String svg(int index, JFreeChart chart) {
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    // Element ids default to a per-run random prefix; fixed ones keep the report byte-reproducible.
    g.setDefsKeyPrefix("mlci" + index + "_");
    // A tenth of a pixel is finer than any screen draws: shorter numbers, same picture.
    g.setGeomDoubleConverter(new DoubleConverter(1));
    g.setTransformDoubleConverter(new DoubleConverter(2));
    chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
    return g.getSVGElement();
  }
}
