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
   * Seconds each class takes, two classes at a time: only their order matters. MlflowIT to
   * KubernetesJobIT are the failsafe-reports times of a quiet fresh-clone {@code .ci/run} (33 min
   * 42 s in all, before MlflowIT, ExamplesIT and ImageIT lost the work they no longer repeat: their
   * order is unchanged by it); ExternalKerasIT is .ci/run's note (about 2 minutes); ShipIT and the
   * act classes are estimates from what they start (an image build and push, act workflows). A
   * class missing here counts as short and runs in the middle.
   */
  static final Map<String, Integer> SECONDS =
      Map.ofEntries(
          Map.entry("MlflowIT", 497),
          Map.entry("ImageIT", 251),
          Map.entry("ExternalImageIT", 208),
          Map.entry("KfpPipelineIT", 196),
          Map.entry("ExamplesIT", 133),
          Map.entry("ExternalKerasIT", 120),
          Map.entry("ShipIT", 90),
          Map.entry("KubernetesJobIT", 80),
          Map.entry("ActIT", 80),
          Map.entry("InitIT", 70),
          Map.entry("ReleaseIT", 60));

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
