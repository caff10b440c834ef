package io.featurex.similar;

import java.util.SplittableRandom;

/**
 * Benchmark vectors, the same sequence for the same seed, so each index is fed identical ones
 * without holding them all. Non-negative, like the ReLU-then-average-pool features the workers
 * write.
 *
 * <p>RANDOM is each dimension on its own: every vector about as far from every other (in 512-d
 * the nearest ten are barely nearer than the rest), the worst case for a graph and unlike image
 * features. CLUSTERED is closer to them: {@value #CENTRES} centres, as photos of similar things
 * gather, and around each centre variation along {@value #LATENT} shared directions (pose,
 * light, crop: features vary along few directions) plus a little noise in every dimension. The
 * near neighbours are then a cluster's, and which ten of its members are nearest is decided by
 * the few directions, as it is for real features.
 */
final class SyntheticVectors {

    enum Kind {
        RANDOM,
        CLUSTERED
    }

    static final int CENTRES = 1000;
    static final int LATENT = 24;
    /** Per latent direction; the directions' entries are N(0, 1): about 0.5 a dimension in all, the centres' own spread. */
    private static final double LATENT_SPREAD = 0.1;
    /** In every dimension, on its own. */
    private static final double NOISE = 0.05;

    private final Kind kind;
    private final int dimension;
    private final SplittableRandom random;
    private final float[][] centres;
    private final float[][] directions;

    SyntheticVectors(Kind kind, int dimension, long seed) {
        this.kind = kind;
        this.dimension = dimension;
        this.random = new SplittableRandom(seed);
        SplittableRandom centreRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.centres = new float[kind == Kind.CLUSTERED ? CENTRES : 0][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = new float[dimension];
            for (int d = 0; d < dimension; d++) {
                centres[c][d] = (float) Math.abs(gaussian(centreRandom));
            }
        }
        this.directions = new float[kind == Kind.CLUSTERED ? LATENT : 0][dimension];
        for (float[] direction : directions) {
            for (int d = 0; d < dimension; d++) {
                direction[d] = (float) gaussian(centreRandom);
            }
        }
    }

    float[] next() {
        float[] v = new float[dimension];
        if (kind == Kind.RANDOM) {
            for (int d = 0; d < dimension; d++) {
                v[d] = (float) Math.abs(gaussian(random));
            }
            return v;
        }
        float[] centre = centres[random.nextInt(centres.length)];
        double[] z = new double[LATENT];
        for (int j = 0; j < LATENT; j++) {
            z[j] = LATENT_SPREAD * gaussian(random);
        }
        for (int d = 0; d < dimension; d++) {
            double x = centre[d] + NOISE * gaussian(random);
            for (int j = 0; j < LATENT; j++) {
                x += z[j] * directions[j][d];
            }
            v[d] = (float) Math.max(0, x);
        }
        return v;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
