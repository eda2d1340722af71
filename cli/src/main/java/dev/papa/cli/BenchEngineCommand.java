package dev.papa.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.data.Datasets;
import dev.papa.engine.data.ImageSet;
import dev.papa.engine.diffusion.DdimSampler;
import dev.papa.engine.diffusion.DdpmSampler;
import dev.papa.engine.diffusion.NoiseSchedule;
import dev.papa.engine.diffusion.Sampler;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.model.UNetModel;
import dev.papa.engine.papa.AdapterKind;
import dev.papa.engine.papa.Estimator;
import dev.papa.engine.papa.FeedbackExample;
import dev.papa.engine.papa.PapaSettings;
import dev.papa.engine.papa.PapaUpdater;
import dev.papa.engine.papa.PersonalizedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Sampling speed (DDPM-1000 vs DDIM), update cost (exact vs sampled), achieved vs peak GFLOP/s.")
final class BenchEngineCommand implements Callable<Integer> {

    @Option(names = "--model", description = "Base-model checkpoint (default: ${DEFAULT-VALUE}).")
    Path model = ModelPaths.BASE_MODEL;

    @Option(names = "--ddim-steps", description = "DDIM steps (default: ${DEFAULT-VALUE}).")
    int ddimSteps = 50;

    @Option(names = "--ddpm-timed-steps", description = "DDPM steps timed per batch size; images/s is scaled to all 1000 (default: ${DEFAULT-VALUE}).")
    int ddpmTimedSteps = 100;

    @Option(names = "--updates", description = "Feedback updates timed per estimator (default: ${DEFAULT-VALUE}).")
    int updates = 3;

    @Override
    public Integer call() {
        Options.inRange("--ddpm-timed-steps", ddpmTimedSteps, 1, 1000);
        Options.inRange("--updates", updates, 1, 100);
        Checkpoint base = Checkpoint.read(model);
        NoiseSchedule schedule = NoiseSchedule.reference();
        double peak = matmulGflops();
        System.out.printf("matmul 2048x2048 fp32 peak: %.1f GFLOP/s%n%n", peak);
        try (PersonalizedModel personal = PersonalizedModel.create(base, AdapterKind.LORA, new LoraSpec(4, 4f));
             UNetModel plain = UNetModel.fromBaseCheckpoint(base, LoraSpec.NONE)) {
            long flops = plain.forwardFlopsPerImage(true);
            System.out.printf("UNet forward: %.1f MFLOP per image%n%n", flops / 1e6);
            System.out.println("| sampler | batch | model calls/image | images/s | vs DDPM | GFLOP/s | % of matmul peak |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (int batch : new int[] {10, 100}) {
                double ddpm = imagesPerSecond(new TruncatedDdpm(schedule, ddpmTimedSteps), personal, batch)
                        * ddpmTimedSteps / schedule.steps();
                double ddim = imagesPerSecond(new DdimSampler(schedule, ddimSteps, 0), personal, batch);
                row("DDPM-1000", batch, schedule.steps(), ddpm, 1.0, flops, peak);
                row("DDIM-" + ddimSteps, batch, ddimSteps, ddim, ddim / ddpm, flops, peak);
            }
            System.out.println();
            System.out.println("| estimator | timesteps/image | seconds/feedback | vs exact |");
            System.out.println("|---|---|---|---|");
            double exact = secondsPerUpdate(personal, schedule, PapaSettings.loraDefaults().withEstimator(Estimator.EXACT));
            double sampled = secondsPerUpdate(personal, schedule, PapaSettings.loraDefaults());
            PapaSettings epapa = PapaSettings.loraDefaults().withEpapaK(400);
            double sampledEpapa = secondsPerUpdate(personal, schedule, epapa);
            System.out.printf("| exact (reference) | %d | %.3f | 1.0x |%n", schedule.steps(), exact);
            System.out.printf("| sampled (stratified) | %d | %.3f | %.1fx faster |%n",
                    PapaSettings.loraDefaults().sampledTimesteps(), sampled, exact / sampled);
            System.out.printf("| sampled, EPAPA k = 400 | %d | %.3f | %.1fx faster (%.0f%% of PAPA sampled) |%n",
                    epapa.timestepsPerImage(schedule.steps()), sampledEpapa, exact / sampledEpapa,
                    100 * sampledEpapa / sampled);
        }
        return 0;
    }

    private static void row(String name, int batch, int calls, double imagesPerSecond, double speedup, long flops, double peak) {
        double gflops = imagesPerSecond * calls * flops / 1e9;
        System.out.printf("| %s | %d | %d | %.2f | %.1fx | %.1f | %.0f%% |%n", name, batch, calls, imagesPerSecond, speedup,
                gflops, 100 * gflops / peak);
    }

    private static double imagesPerSecond(Sampler sampler, PersonalizedModel model, int batch) {
        try (NDManager manager = NDManager.newBaseManager()) {
            sampler.sample(model, model.imageShape(), 2, 0, new SplittableRandom(0), manager); // warm-up
            long start = System.nanoTime();
            sampler.sample(model, model.imageShape(), batch, 0, new SplittableRandom(1), manager);
            return batch / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double secondsPerUpdate(PersonalizedModel model, NoiseSchedule schedule, PapaSettings settings) {
        ImageSet digits = Datasets.mnist().heldOut();
        FeedbackExample example = new FeedbackExample(digits.slice(0, 1).pixels(), 1f);
        model.resetAdapter();
        // per feedback image: no replayed likes riding along (the warm-up's like would join)
        try (PapaUpdater updater = new PapaUpdater(model, schedule, settings.withReplayedLikes(0))) {
            updater.update(List.of(example), new SplittableRandom(0)); // warm-up
            PapaUpdater.Result result = updater.update(Collections.nCopies(updates, example), new SplittableRandom(1));
            return result.millis() / 1000.0 / updates;
        } finally {
            model.resetAdapter();
        }
    }

    private static double matmulGflops() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomNormal(new Shape(2048, 2048));
            a.matMul(a).close();
            int repeats = 10;
            long start = System.nanoTime();
            for (int i = 0; i < repeats; i++) {
                a.matMul(a).close();
            }
            return repeats * 2.0 * Math.pow(2048, 3) / (System.nanoTime() - start);
        }
    }

    /** DDPM's first {@code steps} steps (from t = T−1 down): its per-step cost without the full wait. */
    private record TruncatedDdpm(NoiseSchedule schedule, int steps) implements Sampler {
        @Override
        public int modelCalls() {
            return steps;
        }

        @Override
        public NDArray sample(dev.papa.engine.diffusion.Denoiser denoiser, Shape imageShape, int count, int adaptedFrom,
                              SplittableRandom random, NDManager manager) {
            int[] timesteps = new int[steps];
            for (int i = 0; i < steps; i++) {
                timesteps[i] = schedule.steps() - 1 - i;
            }
            DdpmSampler ddpm = new DdpmSampler(schedule);
            return Sampler.run(denoiser, timesteps, imageShape, count, adaptedFrom, random, manager,
                    (x, eps, i, rng) -> ddpm.step(x, eps, timesteps[i], rng));
        }
    }
}
