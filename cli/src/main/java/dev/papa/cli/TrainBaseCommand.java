package dev.papa.cli;

import dev.papa.engine.checkpoint.Checkpoint;
import dev.papa.engine.data.Datasets;
import dev.papa.engine.diffusion.NoiseSchedule;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.model.UNetConfig;
import dev.papa.engine.model.UNetModel;
import dev.papa.engine.train.BaseModelTrainer;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "train-base", mixinStandardHelpOptions = true,
        description = "Train the base DDPM ε-model on MNIST's 9,000 training digits (resumable).")
final class TrainBaseCommand implements Callable<Integer> {

    @Option(names = "--out", description = "Base-model checkpoint to write (default: ${DEFAULT-VALUE}).")
    Path out = ModelPaths.BASE_MODEL;

    @Option(names = "--run-dir", description = "Folder for resumable training state (default: ${DEFAULT-VALUE}).")
    Path runDir = Path.of("runs/train-base");

    @Option(names = "--steps", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps = BaseModelTrainer.Settings.defaults().steps();

    @Option(names = "--batch-size", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize = BaseModelTrainer.Settings.defaults().batchSize();

    @Option(names = "--lr", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate = BaseModelTrainer.Settings.defaults().learningRate();

    @Option(names = "--decay-from", description = "Step from which the rate anneals along a half cosine to zero at --steps (default: no annealing).")
    Integer decayFrom;

    @Option(names = "--model", description = "Model size: mnist, mnist-wide or tiny (default: ${DEFAULT-VALUE}).")
    String model = "mnist";

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Override
    public Integer call() {
        Options.positive("--steps", steps);
        Options.positive("--batch-size", batchSize);
        Options.positive("--lr", learningRate);
        int annealFrom = decayFrom == null ? steps : decayFrom;
        Options.inRange("--decay-from", annealFrom, 0, steps);
        BaseModelTrainer.Settings defaults = BaseModelTrainer.Settings.defaults();
        BaseModelTrainer.Settings settings = new BaseModelTrainer.Settings(steps, batchSize, learningRate,
                defaults.warmupSteps(), annealFrom, defaults.emaDecay(), defaults.checkpointEvery(), seed);
        try (UNetModel unet = new UNetModel(Options.unetConfig(model), LoraSpec.NONE);
             ProgressBar bar = Progress.bar("train-base", steps)) {
            System.out.printf("UNet %s: %,d parameters%n", model, unet.parameterCount(unet.baseParameters()));
            Checkpoint result = new BaseModelTrainer(NoiseSchedule.reference(), settings)
                    .train(unet, Datasets.mnist().train(), runDir, p -> {
                        bar.stepTo(p.step());
                        bar.setExtraMessage(p.skippedSteps() == 0 ? String.format("loss %.4f", p.loss())
                                : String.format("loss %.4f, %d non-finite steps skipped", p.loss(), p.skippedSteps()));
                    });
            result.write(out);
            System.out.printf("wrote %s (id %s)%n", out, result.id());
        }
        return 0;
    }
}
