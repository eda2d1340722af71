package dev.papa.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.model.UNetConfig;
import dev.papa.engine.model.UNetModel;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * A check of the machine, not of the model: runs the same LoRA forward and backward pass many
 * times on fixed random weights and counts passes whose output or gradients are not finite.
 * On a sound CPU both counts are 0 (see the README's "Numerical faults").
 */
@Command(name = "numerics", mixinStandardHelpOptions = true,
        description = "Count non-finite forward/backward passes of a fixed tiny UNet (a check of this machine's vector units).")
final class BenchNumericsCommand implements Callable<Integer> {

    @Option(names = "--passes", description = "Forward+backward passes (default: ${DEFAULT-VALUE}).")
    int passes = 300;

    @Option(names = "--model", description = "Model size: tiny, mnist or mnist-wide (default: ${DEFAULT-VALUE}).")
    String model = "tiny";

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Override
    public Integer call() {
        Options.inRange("--passes", passes, 1, 1_000_000);
        UNetConfig config = Options.unetConfig(model);
        int badOutputs = 0;
        int badGradients = 0;
        try (UNetModel unet = new UNetModel(config, new LoraSpec(4, 4f));
             ProgressBar bar = Progress.bar("numerics", passes)) {
            List<Parameter> trainable = unet.loraParameters();
            unet.setTrainable(trainable);
            SplittableRandom random = new SplittableRandom(seed);
            Shape batch = new Shape(4, config.imageChannels(), config.imageSize(), config.imageSize());
            for (int i = 0; i < passes; i++) {
                try (NDManager scope = NDManager.newBaseManager()) {
                    NDArray x = scope.randomNormal(batch);
                    float[] t = new float[(int) batch.get(0)];
                    for (int j = 0; j < t.length; j++) {
                        t[j] = random.nextInt(1000);
                    }
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray predicted = unet.predictNoise(x, scope.create(t), true, true);
                        badOutputs += finite(predicted) ? 0 : 1;
                        collector.backward(predicted.sub(x).square().mean());
                    }
                    boolean gradientsFinite = true;
                    for (Parameter p : trainable) {
                        try (NDArray g = p.getArray().getGradient()) {
                            gradientsFinite &= finite(g);
                        }
                        JniUtils.zeroGrad((PtNDArray) p.getArray());
                    }
                    badGradients += gradientsFinite ? 0 : 1;
                }
                bar.step();
            }
        }
        System.out.printf("ONEDNN_MAX_CPU_ISA=%s ATEN_CPU_CAPABILITY=%s%n",
                System.getenv().getOrDefault("ONEDNN_MAX_CPU_ISA", "(unset)"),
                System.getenv().getOrDefault("ATEN_CPU_CAPABILITY", "(unset)"));
        System.out.printf("passes with non-finite output: %d of %d; with non-finite LoRA gradients: %d of %d%n",
                badOutputs, passes, badGradients, passes);
        return 0;
    }

    private static boolean finite(NDArray a) {
        return !a.isNaN().logicalOr(a.isInfinite()).any().getBoolean();
    }
}
