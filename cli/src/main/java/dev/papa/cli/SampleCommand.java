package dev.papa.cli;

import ai.djl.ndarray.NDArray;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

@Command(name = "sample", mixinStandardHelpOptions = true, description = "Draw images from a base model into a PNG grid.")
final class SampleCommand implements Callable<Integer> {

    @Option(names = "--model", description = "Base-model checkpoint (default: ${DEFAULT-VALUE}).")
    Path model = ModelPaths.BASE_MODEL;

    @Option(names = "--count", description = "Images to draw (default: ${DEFAULT-VALUE}).")
    int count = 64;

    @Option(names = "--sampler", description = "ddpm (all 1000 steps) or ddim (default: ${DEFAULT-VALUE}).")
    String sampler = "ddim";

    @Option(names = "--steps", description = "DDIM steps (default: ${DEFAULT-VALUE}).")
    int steps = 50;

    @Option(names = "--eta", description = "DDIM eta in [0, 1] (default: ${DEFAULT-VALUE}).")
    double eta = 0;

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 7;

    @Option(names = "--out", description = "PNG grid to write (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("out/samples.png");

    @Override
    public Integer call() {
        Options.inRange("--count", count, 1, 10_000);
        NoiseSchedule schedule = NoiseSchedule.reference();
        Sampler chosen = switch (sampler) {
            case "ddpm" -> new DdpmSampler(schedule);
            case "ddim" -> new DdimSampler(schedule, steps, eta);
            default -> throw new IllegalArgumentException("--sampler must be ddpm or ddim, got " + sampler);
        };
        try (UNetModel unet = UNetModel.fromBaseCheckpoint(Checkpoint.read(model), LoraSpec.NONE);
             NDManager manager = NDManager.newBaseManager()) {
            int size = unet.config().imageSize();
            long start = System.nanoTime();
            NDArray images = chosen.sample((x, t, adapted) -> unet.predictNoise(x, timestep(x, t), true, false),
                    new Shape(1, size, size), count, 0, new SplittableRandom(seed), manager);
            double seconds = (System.nanoTime() - start) / 1e9;
            PngImages.writeGrid(out, PngImages.toPixels(images), size, size, (int) Math.ceil(Math.sqrt(count)));
            System.out.printf("wrote %s: %d images in %.1f s (%.2f images/s)%n", out, count, seconds, count / seconds);
        }
        return 0;
    }

    private static NDArray timestep(NDArray x, int t) {
        return x.getManager().full(new Shape(x.getShape().get(0)), (float) t);
    }
}
