package io.featurex.similar;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntrinsicDimensionTest {

    private static final int AMBIENT = 64;
    private static final int POINTS = 20_000;
    private static final int QUERIES = 60;
    private static final int K = 10;

    /** Gaussian points that vary along {@code latent} random directions of a 64-d space. */
    private static double medianEstimate(int latent, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] directions = new double[latent][AMBIENT];
        for (double[] d : directions) {
            for (int i = 0; i < AMBIENT; i++) {
                d[i] = random.nextDouble(-1, 1);
            }
        }
        double[][] points = new double[POINTS + QUERIES][AMBIENT];
        for (double[] p : points) {
            for (double[] d : directions) {
                double z = gaussian(random);
                for (int i = 0; i < AMBIENT; i++) {
                    p[i] += z * d[i];
                }
            }
        }
        double[][] distances = new double[QUERIES][];
        for (int q = 0; q < QUERIES; q++) {
            double[] query = points[POINTS + q];
            double[] all = new double[POINTS];
            for (int j = 0; j < POINTS; j++) {
                double sum = 0;
                for (int i = 0; i < AMBIENT; i++) {
                    double diff = query[i] - points[j][i];
                    sum += diff * diff;
                }
                all[j] = Math.sqrt(sum);
            }
            Arrays.sort(all);
            distances[q] = Arrays.copyOf(all, K);
        }
        return IntrinsicDimension.pooled(distances);
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Test
    void dataOnAFewDirectionsOfA64DimensionalSpaceIsSeenAsThatFew() {
        double three = medianEstimate(3, 1);
        double ten = medianEstimate(10, 2);
        assertThat(three).isBetween(2.5, 3.5);
        assertThat(ten).isBetween(8.5, 12.0);
    }

    @Test
    void theRatiosOfAllQueriesArePooledAndWhatCannotGiveOneIsLeftOut() {
        double[] line = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        double sum = 0;
        for (int j = 0; j < 9; j++) {
            sum += Math.log(10.0 / line[j]);
        }
        assertThat(IntrinsicDimension.pooled(new double[][] {line})).isEqualTo(9 / sum);
        double[] shuffled = {10, 1, 9, 2, 8, 3, 7, 4, 6, 5};
        assertThat(IntrinsicDimension.pooled(new double[][] {shuffled})).isEqualTo(9 / sum);
        // The count of ratios over their sum, not a mean of the two queries' estimates.
        double[] other = {1, 1.5, 4};
        double both = sum + Math.log(4) + Math.log(4 / 1.5);
        assertThat(IntrinsicDimension.pooled(new double[][] {line, other, {1}, {0, 1, 2}}))
                .isEqualTo(11 / both);
        assertThat(IntrinsicDimension.pooled(new double[][] {{1}, {0, 1, 2}})).isNaN();
        assertThat(IntrinsicDimension.pooled(new double[][] {{2, 2, 2}})).isNaN();
        assertThat(IntrinsicDimension.fromCosine(1)).isZero();
        assertThat(IntrinsicDimension.fromCosine(0)).isEqualTo(Math.sqrt(2));
    }
}
