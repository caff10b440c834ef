package io.featurex.bench;

import io.featurex.similar.Metric;
import io.featurex.similar.Neighbour;
import io.featurex.similar.SimilarityIndex;
import io.featurex.v1.FeatureVector;
import io.featurex.v1.ModelIdentity;
import io.featurex.worker.infer.Vectors;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How far a narrower precision's vectors are from float32's on the same images: the cosine of each
 * image's pair, and recall@k of {@code similar}'s exact search: each image's k nearest in an
 * index of the narrow vectors against its k nearest in an index of the float32 ones (itself left
 * out). The two indexes stay apart, as {@code similar} keeps them: it refuses to mix models.
 *
 * @param cosines per image, in the order of the names
 * @param margin  the median, over the images, of the fp32 index's score of the k-th neighbour
 *     minus that of the (k+1)-th: where the narrow vectors' error (1 - cosine) is of that size,
 *     the two swap places and recall@k loses them whatever the quantization is
 */
record Agreement(List<String> names, double[] cosines, double recall, int k, double margin) {

    static Agreement of(List<String> names, float[][] fp32, float[][] narrow, ModelIdentity narrowModel, int k) {
        double[] cosines = new double[names.size()];
        for (int i = 0; i < cosines.length; i++) {
            cosines[i] = Vectors.cosine(fp32[i], narrow[i]);
        }
        ModelIdentity fp32Model = narrowModel.toBuilder()
                .setPrecision(ModelIdentity.Precision.FP32)
                .clearCalibrationDigest()
                .build();
        SimilarityIndex reference = index(names, fp32, fp32Model);
        SimilarityIndex candidate = index(names, narrow, narrowModel);
        long found = 0;
        double[] gaps = new double[names.size()];
        int g = 0;
        for (String id : names) {
            List<Neighbour> kPlusOne = reference.nearestToId(id, k + 1, Metric.COSINE);
            gaps[g++] = kPlusOne.size() > k
                    ? kPlusOne.get(k - 1).score() - kPlusOne.get(k).score()
                    : Double.NaN;
            Set<String> truth = ids(kPlusOne.subList(0, Math.min(k, kPlusOne.size())));
            for (String got : ids(candidate.nearestToId(id, k, Metric.COSINE))) {
                if (truth.contains(got)) {
                    found++;
                }
            }
        }
        Arrays.sort(gaps);
        double margin = gaps.length == 0 ? Double.NaN : gaps[gaps.length / 2];
        return new Agreement(names, cosines, (double) found / ((long) k * names.size()), k, margin);
    }

    /** The median of 1 - cosine, the narrow vectors' typical error. */
    double medianError() {
        double[] e = new double[cosines.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = 1 - cosines[i];
        }
        Arrays.sort(e);
        return e.length == 0 ? Double.NaN : e[e.length / 2];
    }

    double minCosine() {
        double min = Double.POSITIVE_INFINITY;
        for (double c : cosines) {
            min = Math.min(min, c);
        }
        return cosines.length == 0 ? Double.NaN : min;
    }

    double meanCosine() {
        double sum = 0;
        for (double c : cosines) {
            sum += c;
        }
        return cosines.length == 0 ? Double.NaN : sum / cosines.length;
    }

    /** The image whose pair agrees least. */
    String worst() {
        int worst = 0;
        for (int i = 1; i < cosines.length; i++) {
            if (cosines[i] < cosines[worst]) {
                worst = i;
            }
        }
        return cosines.length == 0 ? "" : names.get(worst);
    }

    private static SimilarityIndex index(List<String> names, float[][] vectors, ModelIdentity model) {
        SimilarityIndex index = SimilarityIndex.forModel(model);
        for (int i = 0; i < names.size(); i++) {
            FeatureVector.Builder v = FeatureVector.newBuilder()
                    .setId(names.get(i))
                    .setDimension(vectors[i].length)
                    .setModel(model);
            for (float x : vectors[i]) {
                v.addValues(x);
            }
            SimilarityIndex.Outcome outcome = index.accept(v.build());
            if (outcome == SimilarityIndex.Outcome.MALFORMED || outcome == SimilarityIndex.Outcome.REFUSED_MODEL) {
                throw new IllegalStateException("index refused " + names.get(i) + ": " + outcome);
            }
        }
        return index;
    }

    private static Set<String> ids(List<Neighbour> neighbours) {
        Set<String> out = new HashSet<>();
        for (Neighbour n : neighbours) {
            out.add(n.id());
        }
        return out;
    }
}
