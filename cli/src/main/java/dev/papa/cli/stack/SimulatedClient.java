package dev.papa.cli.stack;

import ai.djl.ndarray.NDManager;
import dev.papa.engine.data.ImageSet;
import dev.papa.engine.oracle.FeedbackMode;
import dev.papa.engine.oracle.SimulatedUser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A simulated user (the oracle's judgement of each image) playing rounds through the stack's
 * public HTTP APIs, as a person's client would: get images, react to each, wait for the adapter.
 * Shared by the demo, the pipeline benchmark and the end-to-end test.
 */
public final class SimulatedClient {

    /** The sampler's most images per request. */
    public static final int MAX_BATCH = 16;

    /** One round as the user saw it: the images (all of one adapter version) and which were liked. */
    public record Round(long version, List<StackClient.GeneratedImage> images, boolean[] liked, long lastFeedbackNanos) {
        public double likedShare() {
            int likes = 0;
            for (boolean like : liked) {
                likes += like ? 1 : 0;
            }
            return (double) likes / liked.length;
        }

        public byte[][] pixels() {
            return images.stream().map(StackClient.GeneratedImage::pixels).toArray(byte[][]::new);
        }
    }

    private final StackClient client;
    private final String userId;
    private final SimulatedUser user;

    public SimulatedClient(StackClient client, String userId, SimulatedUser user) {
        this.client = client;
        this.userId = userId;
        this.user = user;
    }

    public String userId() {
        return userId;
    }

    public SimulatedUser user() {
        return user;
    }

    /**
     * Gets {@code count} images, reacts to each and returns the round. A BINARY user likes or
     * dislikes; the other modes send their value as a score (POSITIVE_ONLY: 1 liked, 0 not).
     */
    public Round play(int count, StackClient.Ddim ddim, long seed) {
        List<StackClient.GeneratedImage> images = client.generate(userId, count, ddim, seed);
        List<SimulatedUser.Reaction> reactions = react(images);
        boolean[] liked = new boolean[images.size()];
        for (int i = 0; i < images.size(); i++) {
            SimulatedUser.Reaction reaction = reactions.get(i);
            liked[i] = reaction.liked();
            if (user.mode() == FeedbackMode.BINARY) {
                client.like(userId, images.get(i), liked[i]);
            } else {
                client.score(userId, images.get(i), reaction.value());
            }
        }
        return new Round(images.get(0).adapterVersion(), images, liked, System.nanoTime());
    }

    /**
     * The share of {@code count} fresh images the user likes, without giving feedback (nothing is
     * trained on them): the preference ratio of the version served now. Returns it with the version.
     */
    public Round evaluate(int count, StackClient.Ddim ddim, long seed) {
        List<StackClient.GeneratedImage> images = new ArrayList<>();
        for (int done = 0; done < count; done += MAX_BATCH) {
            images.addAll(client.generate(userId, Math.min(MAX_BATCH, count - done), ddim, seed + done));
        }
        long version = images.get(0).adapterVersion();
        if (images.stream().anyMatch(image -> image.adapterVersion() != version)) {
            throw new IllegalStateException("the adapter of " + userId + " changed during an evaluation");
        }
        return new Round(version, images, judge(images), System.nanoTime());
    }

    /**
     * Waits until the sampler serves a version newer than {@code version} and returns it; empty if
     * the trainer took the round's examples but published nothing because the engine rejected
     * every step as non-finite (this machine's vector units, README), or after {@code timeout}.
     */
    public OptionalLong awaitNextVersion(long version, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean sawPending = false;
        for (int poll = 0; System.nanoTime() < deadline; poll++) {
            long served = client.servedVersion(userId);
            if (served > version) {
                return OptionalLong.of(served);
            }
            // The served version is polled often (it times the pipeline's latency); the trainer less.
            StackClient.TrainerState state = poll % 10 == 0 ? client.trainerState(userId) : null;
            if (state != null && state.version() == version) {
                if (state.pending() > 0) {
                    sawPending = true;
                } else if (sawPending) {
                    return OptionalLong.empty(); // the round ran and published nothing
                }
            }
            LocalStack.sleep(20);
        }
        return OptionalLong.empty();
    }

    private boolean[] judge(List<StackClient.GeneratedImage> images) {
        List<SimulatedUser.Reaction> reactions = react(images);
        boolean[] liked = new boolean[reactions.size()];
        for (int i = 0; i < liked.length; i++) {
            liked[i] = reactions.get(i).liked();
        }
        return liked;
    }

    private List<SimulatedUser.Reaction> react(List<StackClient.GeneratedImage> images) {
        byte[][] pixels = images.stream().map(StackClient.GeneratedImage::pixels).toArray(byte[][]::new);
        byte[] all = new byte[pixels.length * pixels[0].length];
        for (int i = 0; i < pixels.length; i++) {
            System.arraycopy(pixels[i], 0, all, i * pixels[i].length, pixels[i].length);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageSet set = new ImageSet(userId, 28, 28, all, new byte[pixels.length]);
            return user.react(set.toTensor(manager));
        }
    }
}
