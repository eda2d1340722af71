package dev.papa.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.diffusion.DdimSampler;
import dev.papa.engine.diffusion.DdpmSampler;
import dev.papa.engine.diffusion.NoiseSchedule;
import dev.papa.engine.diffusion.Sampler;
import dev.papa.engine.image.PngImages;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.model.UNetModel;
import dev.papa.engine.oracle.OracleClassifier;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Draw images from a base model into a PNG grid; with --score, grade them with the oracle.")
final class SampleCommand implements Callable<Integer> {

    /** Images per forward batch: bounds memory for large --count. */
    private static final int BATCH = 100;

    /** An image counts as recognizable when the oracle gives its class more than this. */
    private static final double CONFIDENT = 0.9;

    @Option(names = "--model", description = "Base-model checkpoint (default: ${DEFAULT-VALUE}).")
    Path model = ModelPaths.BASE_MODEL;

    @Option(names = "--count", description = "Images to draw (default: ${DEFAULT-VALUE}).")
    int count = 64;

    @Option(names = "--sampler", description = "ddpm (all 1000 steps) or ddim (default: ${DEFAULT-VALUE}).")
    String sampler = "ddim";

    @Option(names = "--steps", description = "DDIM steps (default: ${DEFAULT-VALUE}).")
    int steps = 50;

    @Option(names = "--eta", description = "DDIM eta in [0, 1]; use 0 below 25 steps (default: ${DEFAULT-VALUE}).")
    double eta = 1;

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 7;

    @Option(names = "--out", description = "PNG grid to write (default: ${DEFAULT-VALUE}); at most 400 images are drawn into it.")
    Path out = Path.of("out/samples.png");

    @Option(names = "--score", description = "Print the oracle's verdict: share of confident images and each class's share.")
    boolean score;

    @Option(names = "--oracle", description = "Oracle checkpoint for --score (default: ${DEFAULT-VALUE}).")
    Path oraclePath = ModelPaths.ORACLE;

    @Override
    public Integer call() {
        Options.inRange("--count", count, 1, 100_000);
        Options.inRange("--eta", eta, 0, 1);
        NoiseSchedule schedule = NoiseSchedule.reference();
        Sampler chosen = switch (sampler) {
            case "ddpm" -> new DdpmSampler(schedule);
            case "ddim" -> {
                Options.inRange("--steps", steps, 1, schedule.steps());
                yield new DdimSampler(schedule, steps, eta);
            }
            default -> throw new IllegalArgumentException("--sampler must be ddpm or ddim, got " + sampler);
        };
        try (UNetModel unet = UNetModel.fromBaseCheckpoint(Checkpoint.read(model), LoraSpec.NONE);
             OracleClassifier oracle = score ? OracleClassifier.load(oraclePath) : null;
             NDManager manager = NDManager.newBaseManager()) {
            ProgressBar bar = Progress.bar("sample", count);
            int size = unet.config().imageSize();
            Shape imageShape = new Shape(unet.config().imageChannels(), size, size);
            SplittableRandom random = new SplittableRandom(seed);
            NDList forGrid = new NDList();
            int[] perClass = score ? new int[oracle.classes()] : null;
            int confident = 0;
            long start = System.nanoTime();
            for (int done = 0; done < count; done += BATCH) {
                int n = Math.min(BATCH, count - done);
                try (NDManager batch = manager.newSubManager()) {
                    NDArray images = chosen.sample((x, t, adapted) -> unet.predictNoise(x, timestep(x, t), true, false),
                            imageShape, n, 0, random, batch);
                    if (score) {
                        float[] p = oracle.probabilities(images).toFloatArray();
                        confident += tally(p, oracle.classes(), perClass);
                    }
                    if (forGrid.size() < 4) {
                        NDArray kept = images.duplicate();
                        kept.attach(manager);
                        forGrid.add(kept);
                    }
                }
                bar.stepTo(done + n);
            }
            bar.close();
            double seconds = (System.nanoTime() - start) / 1e9;
            NDArray grid = NDArrays.concat(forGrid);
            int shown = (int) grid.getShape().get(0);
            PngImages.writeGrid(out, PngImages.toPixels(grid), size, size, (int) Math.ceil(Math.sqrt(shown)));
            System.out.printf("wrote %s: %d of %d images; sampled in %.1f s (%.2f images/s)%n",
                    out, shown, count, seconds, count / seconds);
            if (score) {
                printScore(confident, perClass);
            }
        }
        return 0;
    }

    /** Adds each image's most probable class to {@code perClass}; returns how many were confident. */
    private static int tally(float[] probabilities, int classes, int[] perClass) {
        int confident = 0;
        for (int i = 0; i < probabilities.length / classes; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (probabilities[i * classes + c] > probabilities[i * classes + best]) {
                    best = c;
                }
            }
            perClass[best]++;
            confident += probabilities[i * classes + best] > CONFIDENT ? 1 : 0;
        }
        return confident;
    }

    private void printScore(int confident, int[] perClass) {
        System.out.printf("oracle confident (max probability > %.1f) on %d of %d images: %.1f%%%n",
                CONFIDENT, confident, count, 100.0 * confident / count);
        StringBuilder line = new StringBuilder("class shares:");
        for (int c = 0; c < perClass.length; c++) {
            line.append(String.format(" %d=%.1f%%", c, 100.0 * perClass[c] / count));
        }
        System.out.println(line);
    }

    private static NDArray timestep(NDArray x, int t) {
        return x.getManager().full(new Shape(x.getShape().get(0)), (float) t);
    }
}
