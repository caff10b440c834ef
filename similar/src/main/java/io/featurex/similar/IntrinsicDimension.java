package io.featurex.similar;

import java.util.Arrays;

/**
 * The local intrinsic dimension of a data set as seen from its queries: Levina and Bickel's
 * maximum-likelihood estimate from the queries' k nearest distances. Near a query the ratios
 * ln(d_k / d_j) of a d-dimensional density are exponential with rate d, so all queries' ratios are
 * pooled into one estimate (MacKay and Ghahramani's remark: averaging per-query estimates is biased).
 * It says how hard the data is for a graph search (recall at a given cost falls as it rises), so
 * that a benchmark's table can be read against one's own vectors, whatever their length.
 */
final class IntrinsicDimension {

    private IntrinsicDimension() {}

    /**
     * The estimate from every query's ratios together: their count over their sum; NaN if no query
     * gave any (fewer than 2 distances, or ties at zero).
     */
    static double pooled(double[][] distancesPerQuery) {
        long terms = 0;
        double sum = 0;
        for (double[] distances : distancesPerQuery) {
            double[] logs = logRatios(distances);
            terms += logs.length;
            for (double x : logs) {
                sum += x;
            }
        }
        return terms > 0 && sum > 0 ? terms / sum : Double.NaN;
    }

    private static double[] logRatios(double[] distances) {
        if (distances.length < 2) {
            return new double[0];
        }
        double[] d = distances.clone();
        Arrays.sort(d);
        double farthest = d[d.length - 1];
        double[] logs = new double[d.length - 1];
        for (int j = 0; j < logs.length; j++) {
            if (!(d[j] > 0)) {
                return new double[0];
            }
            logs[j] = Math.log(farthest / d[j]);
        }
        return logs;
    }

    /** The Euclidean distance between unit vectors of this cosine similarity. */
    static double fromCosine(double similarity) {
        return Math.sqrt(Math.max(0, 2 - 2 * similarity));
    }
}
