package dev.mlci.core.train;

import com.google.protobuf.InvalidProtocolBufferException;
import org.tribuo.MutableFeatureMap;
import org.tribuo.RealInfo;
import org.tribuo.VariableInfo;
import org.tribuo.protos.core.RealInfoProto;

/**
 * One feature's statistics in a {@link MutableFeatureMap}, equal to what {@code map.add(name, v)}
 * for every value records, at a fraction of its cost on long columns.
 *
 * <p>Tribuo keeps a feature categorical (counts per value) until it has seen more than {@link
 * org.tribuo.CategoricalInfo#THRESHOLD} distinct non-zero values, then turns it into a {@link
 * RealInfo} (count, min, max, and a running mean and sum of squared deviations) and updates that
 * per value. Here the map itself observes until that turn, so the categorical phase and the turn
 * are Tribuo's; from then on the running statistics are updated here, in a loop over the column
 * without a map look-up per cell, with the same floating-point operations in the same order
 * (Welford's update, as {@code RealInfo} makes it), and handed to the map by {@link #finish()}.
 * Zeros are skipped, as Tribuo's infos skip them. FeatureObservationsTest holds the equality.
 */
final class FeatureObservations {
  private final MutableFeatureMap map;
  private final String name;
  private boolean real;
  private int count;
  private double max;
  private double min;
  private double mean;
  private double sumSquares;

  /** Adds the (empty) feature to {@code map}, as the first {@code add} of it would. */
  FeatureObservations(MutableFeatureMap map, String name) {
    this.map = map;
    this.name = name;
    map.add(name, 0.0); // creates the feature's info; a zero is not observed
  }

  /** Observes one value. */
  void observe(double value) {
    if (value == 0.0) {
      return;
    }
    if (!real) {
      observeInMap(value);
      return;
    }
    count++;
    if (value < min) {
      min = value;
    }
    if (value > max) {
      max = value;
    }
    double delta = value - mean;
    mean += delta / count;
    sumSquares += delta * (value - mean);
  }

  /** Observes the first {@code length} of {@code values}, in order. */
  void observeAll(double[] values, int length) {
    if (length > values.length) {
      throw new IndexOutOfBoundsException(length + " values of " + values.length);
    }
    int i = 0;
    while (!real && i < length) {
      observe(values[i++]);
    }
    // Real from here on: the update of observe(), on locals.
    int c = count;
    double hi = max;
    double lo = min;
    double m = mean;
    double ss = sumSquares;
    for (; i < length; i++) {
      double value = values[i];
      if (value != 0.0) {
        c++;
        if (value < lo) {
          lo = value;
        }
        if (value > hi) {
          hi = value;
        }
        double delta = value - m;
        m += delta / c;
        ss += delta * (value - m);
      }
    }
    count = c;
    max = hi;
    min = lo;
    mean = m;
    sumSquares = ss;
  }

  /** Puts the statistics kept here into the map; observe no more after. */
  void finish() {
    if (real) {
      map.put(new RealInfo(name, count, max, min, mean, sumSquares));
    }
  }

  private void observeInMap(double value) {
    map.add(name, value);
    VariableInfo info = map.get(name);
    if (info instanceof RealInfo r) {
      real = true;
      count = r.getCount();
      max = r.getMax();
      min = r.getMin();
      mean = r.getMean();
      sumSquares = sumSquaresOf(r);
    }
  }

  /** The running sum of squared deviations, which RealInfo shows only in its serialized form. */
  private static double sumSquaresOf(RealInfo info) {
    try {
      return info.serialize().getSerializedData().unpack(RealInfoProto.class).getSumSquares();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "Tribuo's RealInfo for " + info.getName() + " did not serialize as a RealInfoProto", e);
    }
  }
}
