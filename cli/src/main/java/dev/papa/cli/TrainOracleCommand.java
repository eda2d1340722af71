package dev.papa.cli;

import dev.papa.engine.data.Datasets;
import dev.papa.engine.oracle.OracleClassifier;
import dev.papa.engine.oracle.OracleConfig;
import dev.papa.engine.oracle.OracleTrainer;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "train-oracle", mixinStandardHelpOptions = true,
        description = "Train the feedback classifier (oracle) that simulates users and scores samples (resumable per epoch).")
final class TrainOracleCommand implements Callable<Integer> {

    @Option(names = "--dataset", description = "mnist (the 9,000 shipped training digits) or fashion (default: ${DEFAULT-VALUE}).")
    String dataset = "mnist";

    @Option(names = "--data-dir", description = "Folder with Fashion-MNIST's four IDX files, for --dataset fashion "
            + "(e.g. /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--epochs", description = "Passes over the training images (default: ${DEFAULT-VALUE}).")
    int epochs = OracleTrainer.Settings.defaults().epochs();

    @Option(names = "--batch-size", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize = OracleTrainer.Settings.defaults().batchSize();

    @Option(names = "--lr", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate = OracleTrainer.Settings.defaults().learningRate();

    @Option(names = "--out", description = "Oracle checkpoint to write (default: models/mnist-oracle.ckpt, "
            + "or models/fashion-oracle.ckpt for --dataset fashion).")
    Path out;

    @Option(names = "--run-dir", description = "Folder for resumable training state (default: runs/train-oracle-<dataset>).")
    Path runDir;

    @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = OracleTrainer.Settings.defaults().seed();

    @Override
    public Integer call() {
        Options.inRange("--epochs", epochs, 1, 1000);
        Options.inRange("--batch-size", batchSize, 1, 4096);
        Options.positive("--lr", learningRate);
        Datasets.Split data;
        String name;
        switch (dataset) {
            case "mnist" -> {
                if (dataDir != null) {
                    throw new IllegalArgumentException("--data-dir is for --dataset fashion; MNIST is shipped with papa");
                }
                data = Datasets.mnist();
                name = "mnist";
            }
            case "fashion" -> {
                if (dataDir == null) {
                    throw new IllegalArgumentException("--dataset fashion needs --data-dir, the folder with Fashion-MNIST's "
                            + "IDX files (e.g. /usr/share/datasets/fashion-mnist)");
                }
                data = Datasets.fashionMnist(dataDir);
                name = "fashion-mnist";
            }
            default -> throw new IllegalArgumentException("--dataset must be mnist or fashion, got " + dataset);
        }
        Path target = out != null ? out : dataset.equals("mnist") ? ModelPaths.ORACLE : Path.of("models/fashion-oracle.ckpt");
        Path run = runDir != null ? runDir : Path.of("runs/train-oracle-" + dataset);
        OracleTrainer.Settings defaults = OracleTrainer.Settings.defaults();
        OracleTrainer trainer = new OracleTrainer(new OracleTrainer.Settings(epochs, batchSize, learningRate, defaults.maxShift(), seed));
        int stepsPerEpoch = (data.train().size() + batchSize - 1) / batchSize;
        try (OracleClassifier oracle = new OracleClassifier(OracleConfig.mnist(), seed)) {
            System.out.printf("oracle CNN: %,d parameters; %s: %,d training, %,d held-out images%n",
                    oracle.parameterCount(), name, data.train().size(), data.heldOut().size());
            OracleTrainer.Result result;
            try (ProgressBar bar = Progress.bar("train-oracle", (long) stepsPerEpoch * epochs)) {
                result = trainer.train(oracle, name, data, run, new OracleTrainer.Listener() {
                    @Override
                    public void step(long step, long totalSteps, double loss) {
                        bar.stepTo(step);
                        bar.setExtraMessage(String.format("loss %.4f", loss));
                    }

                    @Override
                    public void epoch(int epoch, int total, double meanLoss, double heldOutAccuracy) {
                        bar.setExtraMessage(String.format("epoch %d/%d: loss %.4f, held-out %.2f%%",
                                epoch, total, meanLoss, 100 * heldOutAccuracy));
                    }
                });
            }
            result.checkpoint().write(target);
            System.out.printf("held-out accuracy: %.2f%% (%d images)%n", 100 * result.heldOutAccuracy(), data.heldOut().size());
            System.out.printf("wrote %s (id %s)%n", target, result.checkpoint().id());
        }
        return 0;
    }
}
