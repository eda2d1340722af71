package dev.papa.engine.metrics;

/**
 * Fréchet distance between two Gaussians fitted to feature sets (the FID formula, here on the
 * oracle's penultimate features instead of Inception's):
 *
 * <pre>
 * FD = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^{1/2})
 * </pre>
 *
 * Σ₁Σ₂ is not symmetric, so its square root is not taken directly: its eigenvalues equal those
 * of the symmetric PSD matrix M = √Σ₁ Σ₂ √Σ₁, hence Tr (Σ₁Σ₂)^{1/2} = Σᵢ √λᵢ(M). Both √Σ₁ and
 * the eigenvalues of M come from {@link SymmetricEigen}; tiny negative eigenvalues from rounding
 * are clamped to 0, and so is a negative total.
 *
 * <p>The estimate is biased upward for small samples (it needs many more samples than feature
 * dimensions to settle); compare distances only between runs that use the same sample counts.
 */
public final class FrechetDistance {

    private FrechetDistance() {}

    public static double between(FeatureStatistics a, FeatureStatistics b) {
        if (a.dimension() != b.dimension()) {
            throw new IllegalArgumentException("feature dimensions differ: " + a.dimension() + " vs " + b.dimension());
        }
        double meanTerm = 0;
        for (int i = 0; i < a.dimension(); i++) {
            double d = a.mean()[i] - b.mean()[i];
            meanTerm += d * d;
        }
        double traceTerm = trace(a.covariance()) + trace(b.covariance()) - 2 * traceSqrtProduct(a.covariance(), b.covariance());
        return Math.max(0, meanTerm + traceTerm);
    }

    /** Tr (Σ₁Σ₂)^{1/2} for symmetric PSD Σ₁, Σ₂, as Σ √λ(√Σ₁ Σ₂ √Σ₁). */
    public static double traceSqrtProduct(double[][] sigma1, double[][] sigma2) {
        double[][] root = SymmetricEigen.sqrtPsd(sigma1);
        double[][] m = multiply(multiply(root, sigma2), root);
        // M is symmetric in exact arithmetic; remove the rounding asymmetry before decomposing it.
        int n = m.length;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0.5 * (m[i][j] + m[j][i]);
                m[i][j] = s;
                m[j][i] = s;
            }
        }
        double sum = 0;
        for (double lambda : SymmetricEigen.decompose(m).values()) {
            sum += Math.sqrt(Math.max(0, lambda));
        }
        return sum;
    }

    static double trace(double[][] m) {
        double t = 0;
        for (int i = 0; i < m.length; i++) {
            t += m[i][i];
        }
        return t;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int inner = b.length;
        int m = b[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            double[] row = out[i];
            for (int k = 0; k < inner; k++) {
                double aik = a[i][k];
                if (aik == 0) {
                    continue;
                }
                double[] bk = b[k];
                for (int j = 0; j < m; j++) {
                    row[j] += aik * bk[j];
                }
            }
        }
        return out;
    }
}
