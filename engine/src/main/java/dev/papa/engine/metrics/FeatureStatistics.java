package dev.papa.engine.metrics;

import ai.djl.ndarray.NDArray;

/**
 * Mean and covariance of a set of feature vectors, the sufficient statistics of the Fréchet
 * distance. The covariance is the unbiased sample covariance (divided by n − 1), as in the usual
 * FID implementations; accumulation is in double precision around the mean.
 */
public record FeatureStatistics(double[] mean, double[][] covariance, int count) {

    public FeatureStatistics {
        if (covariance.length != mean.length) {
            throw new IllegalArgumentException("covariance is " + covariance.length + " wide for a mean of " + mean.length);
        }
    }

    public int dimension() {
        return mean.length;
    }

    /** Statistics of the rows of a (n, D) feature matrix (e.g. {@code oracle.features(images)}). */
    public static FeatureStatistics of(NDArray features) {
        if (features.getShape().dimension() != 2) {
            throw new IllegalArgumentException("features must be (n, D), got " + features.getShape());
        }
        return of(features.toFloatArray(), Math.toIntExact(features.getShape().get(1)));
    }

    /** Statistics of n row-major rows of width {@code dimension}. */
    public static FeatureStatistics of(float[] rows, int dimension) {
        int n = rows.length / dimension;
        double[][] matrix = new double[n][dimension];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dimension; j++) {
                matrix[i][j] = rows[i * dimension + j];
            }
        }
        return of(matrix);
    }

    /** Statistics of the given rows (at least two, all of one width). */
    public static FeatureStatistics of(double[][] rows) {
        int n = rows.length;
        if (n < 2) {
            throw new IllegalArgumentException("feature statistics need at least 2 samples, got " + n);
        }
        int d = rows[0].length;
        double[] mean = new double[d];
        for (double[] row : rows) {
            if (row.length != d) {
                throw new IllegalArgumentException("feature rows differ in width: " + row.length + " vs " + d);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] covariance = new double[d][d];
        double[] centered = new double[d];
        for (double[] row : rows) {
            for (int j = 0; j < d; j++) {
                centered[j] = row[j] - mean[j];
            }
            for (int i = 0; i < d; i++) {
                double ci = centered[i];
                if (ci == 0) {
                    continue;
                }
                double[] out = covariance[i];
                for (int j = i; j < d; j++) {
                    out[j] += ci * centered[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                covariance[i][j] /= n - 1;
                covariance[j][i] = covariance[i][j];
            }
        }
        return new FeatureStatistics(mean, covariance, n);
    }
}
