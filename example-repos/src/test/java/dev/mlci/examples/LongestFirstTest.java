package dev.mlci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.AnnotationSupport;

/** The order {@link LongestFirst} gives this module's real integration-test classes. */
class LongestFirstTest {
  /** A class as JUnit describes it to an orderer: the class and its annotations. */
  record Described(Class<?> testClass) implements ClassDescriptor {
    @Override
    public Class<?> getTestClass() {
      return testClass;
    }

    @Override
    public String getDisplayName() {
      return testClass.getSimpleName();
    }

    @Override
    public boolean isAnnotated(Class<? extends Annotation> type) {
      return AnnotationSupport.isAnnotated(testClass, type);
    }

    @Override
    public <A extends Annotation> Optional<A> findAnnotation(Class<A> type) {
      return AnnotationSupport.findAnnotation(testClass, type);
    }

    @Override
    public <A extends Annotation> List<A> findRepeatableAnnotations(Class<A> type) {
      return AnnotationSupport.findRepeatableAnnotations(testClass, type);
    }
  }

  private static List<String> ordered(Class<?>... classes) {
    List<ClassDescriptor> descriptors = new ArrayList<>();
    for (Class<?> c : classes) {
      descriptors.add(new Described(c));
    }
    new LongestFirst()
        .orderClasses(
            new ClassOrdererContext() {
              @Override
              public List<? extends ClassDescriptor> getClassDescriptors() {
                return descriptors;
              }

              @Override
              public Optional<String> getConfigurationParameter(String key) {
                return Optional.empty();
              }
            });
    return descriptors.stream().map(ClassDescriptor::getDisplayName).toList();
  }

  @Test
  void theTwoLongestStartFirst_theActClassesShareOneEnd_theShortOnesAreInTheMiddle() {
    List<String> order =
        ordered(
            ActIT.class,
            ExamplesIT.class,
            ImageIT.class,
            InitIT.class,
            LinearVsSklearnIT.class,
            MlflowIT.class,
            PackagingIT.class,
            ReleaseIT.class,
            ShipIT.class);

    // Dealt longest first to the end with less work: ImageIT (301) to one end, MlflowIT (258) to
    // the other, with the act classes (locked together: ReleaseIT, InitIT, ActIT) behind it; then
    // ExamplesIT, ShipIT and LinearVsSklearnIT to the lighter end, and the unlisted (0 s) to its
    // inner side. One thread runs from the first class on, the other from the last backwards:
    // ImageIT and MlflowIT start at once, the short ones meet in the middle.
    assertThat(order)
        .containsExactly(
            "ImageIT",
            "ExamplesIT",
            "ShipIT",
            "LinearVsSklearnIT",
            "PackagingIT",
            "ActIT",
            "InitIT",
            "ReleaseIT",
            "MlflowIT");
  }
}
