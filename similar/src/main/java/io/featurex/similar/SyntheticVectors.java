package io.featurex.similar;

import io.featurex.worker.infer.ModelSpec;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Benchmark vectors, the same sequence for the same seed, so each index is fed identical ones
 * without holding them all. Non-negative, like the ReLU-then-average-pool features the workers
 * write.
 *
 * <p>RANDOM is each dimension on its own: every vector about as far from every other (in 512-d
 * the nearest ten are barely nearer than the rest), the worst case for a graph and unlike image
 * features. CLUSTERED is closer to them: {@value #CENTRES} centres, as photos of similar things
 * gather, and around each centre variation along a few shared directions ({@value
 * #DEFAULT_LATENT} unless told: pose, light, crop; features vary along few directions) plus a
 * little noise in every dimension. The near neighbours are then a cluster's, and which ten of its
 * members are nearest is decided by the few directions, as it is for real features.
 *
 * <p>{@code clustered:L} changes the count of directions and keeps the clusters' total spread. The
 * intrinsic dimension the benchmark's queries see ({@link IntrinsicDimension}) hardly follows it:
 * with a few hundred vectors a cluster and the clipping at 0, a query's ten nearest are barely
 * nearer than the rest of its cluster whatever the count (167-192 at 100,000 vectors for 8 to 64
 * directions), and that, not the 512 of the vector, is what makes this data hard for a graph.
 */
final class SyntheticVectors {

    enum Kind {
        RANDOM,
        CLUSTERED,
        /** Not from here: the seeded model's vectors of rendered images ({@link ModelVectors}). */
        SEEDED_VGG16
    }

    /**
     * A kind of benchmark data, as {@code --benchmark-data} names it: {@code random}, {@code
     * clustered}, {@code clustered:L} with L latent directions, or {@code seeded-vgg16}, {@code
     * seeded-vgg16:S} with the network run on S x S pixels (224 unless told).
     *
     * @param latent the latent directions of clustered data, 0 for the others
     * @param side   the model's input side for seeded-vgg16, 0 for the others
     */
    record Data(Kind kind, int latent, int side) {
        static final String SEEDED_VGG16 = "seeded-vgg16";

        static Data parse(String text, int dimension) {
            String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
            String problem = "--benchmark-data: '" + text + "' is not random, clustered, clustered:L with L in 1.."
                    + dimension + " (latent directions), " + SEEDED_VGG16 + " or " + SEEDED_VGG16 + ":S with S in "
                    + ModelSpec.MIN_INPUT_SIZE + ".." + ModelSpec.INPUT_SIZE + " (the model's input side)";
            Kind kind = switch (parts[0]) {
                case "random" -> Kind.RANDOM;
                case "clustered" -> Kind.CLUSTERED;
                case SEEDED_VGG16 -> Kind.SEEDED_VGG16;
                default -> throw new IllegalArgumentException(problem);
            };
            if (parts.length > 2 || parts.length == 2 && kind == Kind.RANDOM) {
                throw new IllegalArgumentException(problem);
            }
            int given;
            try {
                given = parts.length == 2 ? Integer.parseInt(parts[1]) : 0;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(problem, e);
            }
            return switch (kind) {
                case RANDOM -> new Data(kind, 0, 0);
                case CLUSTERED -> {
                    int latent = parts.length == 2 ? given : DEFAULT_LATENT;
                    if (parts.length == 2 && (latent < 1 || latent > dimension)) {
                        throw new IllegalArgumentException(problem);
                    }
                    yield new Data(kind, latent, 0);
                }
                case SEEDED_VGG16 -> {
                    int side = parts.length == 2 ? given : ModelSpec.INPUT_SIZE;
                    if (side < ModelSpec.MIN_INPUT_SIZE || side > ModelSpec.INPUT_SIZE) {
                        throw new IllegalArgumentException(problem);
                    }
                    if (dimension != ModelVectors.DIMENSION) {
                        throw new IllegalArgumentException("--benchmark-data " + SEEDED_VGG16 + " gives "
                                + ModelVectors.DIMENSION + "-d vectors; --benchmark-dimension is " + dimension);
                    }
                    yield new Data(kind, 0, side);
                }
            };
        }

        /** For file and directory names. */
        String key() {
            return switch (kind) {
                case RANDOM -> "random";
                case CLUSTERED -> "clustered" + latent;
                case SEEDED_VGG16 -> "seeded-vgg16-px" + side;
            };
        }

        String describe() {
            if (kind == Kind.SEEDED_VGG16) {
                return "seeded-vgg16 (the seeded model's vectors of rendered scenes at " + side + "x" + side + " px, "
                        + ModelVectors.FAMILY + " photos of each indexed; queries are other photos of indexed scenes)";
            }
            return kind == Kind.RANDOM
                    ? "random"
                    : String.format(
                            Locale.ROOT,
                            "clustered (%d centres, %d latent directions: clustered:%d)",
                            CENTRES,
                            latent,
                            latent);
        }
    }

    static final int CENTRES = 1000;
    static final int DEFAULT_LATENT = 24;
    /**
     * Per latent direction at the default count; the directions' entries are N(0, 1): about 0.5 a
     * dimension in all, the centres' own spread. Other counts scale it so that the total stays.
     */
    private static final double LATENT_SPREAD = 0.1;
    /** In every dimension, on its own. */
    private static final double NOISE = 0.05;

    private final Kind kind;
    private final int dimension;
    private final SplittableRandom random;
    private final float[][] centres;
    private final float[][] directions;
    private final double latentSpread;

    SyntheticVectors(Data data, int dimension, long seed) {
        this.kind = data.kind();
        // sqrt(1.0) is exactly 1: the default count gives the very vectors it always gave.
        this.latentSpread = LATENT_SPREAD * Math.sqrt(DEFAULT_LATENT / (double) Math.max(1, data.latent()));
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
        this.directions = new float[kind == Kind.CLUSTERED ? data.latent() : 0][dimension];
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
        double[] z = new double[directions.length];
        for (int j = 0; j < z.length; j++) {
            z[j] = latentSpread * gaussian(random);
        }
        for (int d = 0; d < dimension; d++) {
            double x = centre[d] + NOISE * gaussian(random);
            for (int j = 0; j < z.length; j++) {
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
