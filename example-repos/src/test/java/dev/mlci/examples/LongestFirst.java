package dev.mlci.examples;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Orders the integration-test classes so that each of the pool's two threads starts with the
 * longest classes and the run does not end with one long class alone (example-repos/pom.xml sets it
 * as {@code junit.jupiter.testclass.order.default}).
 *
 * <p>JUnit's fork-join pool (5.14) takes the classes from both ends of this order: the thread that
 * forked them runs them from the last one backwards, the other steals them from the first one on
 * (measured with six classes of 100 ms: C6 and C1 start together, then C5 and C2, then C4 and C3).
 * So the classes are dealt longest first, each to the end whose expected load is smaller (LPT
 * scheduling), and the short ones meet in the middle, where whichever thread is free takes them.
 * Classes that share a {@link ResourceLock} (the act classes) go to one end, so the other thread
 * never blocks on their lock. With {@code -Dmlci.it.classes=1} the one thread runs them all from
 * the last backwards: order does not change the time then.
 */
public final class LongestFirst implements ClassOrderer {
  /**
   * Seconds each class takes, two classes at a time: only their order matters. The failsafe-reports
   * times of a fresh {@code .ci/run} on 2026-12-02 (29 min 57 s in all, three other builds sharing
   * the cores from its tenth minute), with MlflowIT's 406 s split as its tests were: 258 s stay,
   * 148 s are MlflowFaultsIT's. A class missing here counts as short and runs in the middle.
   */
  static final Map<String, Integer> SECONDS =
      Map.ofEntries(
          Map.entry("ImageIT", 301),
          Map.entry("MlflowIT", 258),
          Map.entry("KfpPipelineIT", 201),
          Map.entry("ExternalImageIT", 165),
          Map.entry("MlflowFaultsIT", 148),
          Map.entry("ReleaseIT", 109),
          Map.entry("MetricsCrossCheckIT", 80),
          Map.entry("ExternalKerasIT", 76),
          Map.entry("ExamplesIT", 73),
          Map.entry("TrainingNoiseIT", 52),
          Map.entry("InitIT", 49),
          Map.entry("KfpRunIT", 49),
          Map.entry("ActIT", 32),
          Map.entry("MlflowTransportIT", 29),
          Map.entry("ShipIT", 29),
          Map.entry("LinearVsSklearnIT", 25),
          Map.entry("ExternalTrainerIT", 24),
          Map.entry("KubernetesJobIT", 19));

  @Override
  public void orderClasses(ClassOrdererContext context) {
    List<? extends ClassDescriptor> classes = context.getClassDescriptors();
    List<ClassDescriptor> byLength = new ArrayList<>(classes);
    byLength.sort(
        Comparator.comparingInt(LongestFirst::seconds)
            .reversed()
            .thenComparing(c -> c.getTestClass().getName()));
    List<ClassDescriptor> front = new ArrayList<>();
    List<ClassDescriptor> back = new ArrayList<>();
    long frontLoad = 0;
    long backLoad = 0;
    Map<String, Boolean> lockAtFront = new java.util.HashMap<>();
    for (ClassDescriptor c : byLength) {
      Set<String> locks = locks(c);
      Boolean toFront = null;
      for (String lock : locks) {
        toFront = lockAtFront.get(lock);
        if (toFront != null) {
          break;
        }
      }
      if (toFront == null) {
        toFront = frontLoad <= backLoad;
      }
      for (String lock : locks) {
        lockAtFront.putIfAbsent(lock, toFront);
      }
      if (toFront) {
        front.add(c);
        frontLoad += seconds(c);
      } else {
        back.add(c);
        backLoad += seconds(c);
      }
    }
    List<ClassDescriptor> order = new ArrayList<>(front);
    for (int i = back.size() - 1; i >= 0; i--) {
      order.add(back.get(i));
    }
    Map<ClassDescriptor, Integer> position = new java.util.IdentityHashMap<>();
    for (int i = 0; i < order.size(); i++) {
      position.put(order.get(i), i);
    }
    classes.sort(Comparator.comparingInt(position::get));
  }

  private static int seconds(ClassDescriptor c) {
    return SECONDS.getOrDefault(c.getTestClass().getSimpleName(), 0);
  }

  private static Set<String> locks(ClassDescriptor c) {
    Set<String> locks = new TreeSet<>();
    c.findRepeatableAnnotations(ResourceLock.class).forEach(l -> locks.add(l.value()));
    return locks;
  }
}
