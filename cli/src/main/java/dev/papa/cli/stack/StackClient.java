package dev.papa.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The stack's public HTTP API as a person's client would use it. */
public final class StackClient {

    /**
     * How the sampler draws a request's images: DDIM with {@code steps} steps and noise level η
     * (1 gives cleaner digits from 25 steps up, 0 below; models/README.md).
     */
    public record Ddim(int steps, double eta) {}

    /** An image handed out by the sampler, with its pixels fetched from the image URL. */
    public record GeneratedImage(String id, long adapterVersion, String token, byte[] pixels) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    // HTTP/1.1 with keep-alive, as a browser or mobile client talks to a plain-HTTP service: the JDK's
    // default would first try to upgrade every new connection to cleartext HTTP/2.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public List<GeneratedImage> generate(String userId, int count, Ddim ddim, long seed) {
        ObjectNode body = JSON.createObjectNode().put("count", count).put("sampler", "ddim")
                .put("steps", ddim.steps()).put("eta", ddim.eta()).put("seed", seed);
        JsonNode answer = post(LocalStack.SAMPLER.url("/api/v1/users/" + userId + "/images"), body, 201);
        List<GeneratedImage> images = new ArrayList<>();
        for (JsonNode image : answer.get("images")) {
            byte[] png = get(LocalStack.SAMPLER.url(image.get("url").asText()));
            images.add(new GeneratedImage(image.get("id").asText(), image.get("adapterVersion").asLong(),
                    image.get("token").asText(), greyPixels(png)));
        }
        return images;
    }

    public void like(String userId, GeneratedImage image, boolean liked) {
        post(LocalStack.FEEDBACK.url("/api/v1/feedback"), feedbackBody(userId, image).put("liked", liked), 202);
    }

    /** Graded feedback in [-1, 1] (0: seen, no preference). */
    public void score(String userId, GeneratedImage image, double score) {
        post(LocalStack.FEEDBACK.url("/api/v1/feedback"), feedbackBody(userId, image).put("score", score), 202);
    }

    /**
     * A like sent with a fixed idempotency key, as a client retrying it would; answers whether the
     * feedback service accepted it (202: Kafka acknowledged the record). For load: no exception on a refusal.
     */
    public boolean retryLike(String userId, GeneratedImage image, String feedbackId) {
        ObjectNode body = feedbackBody(userId, image).put("feedbackId", feedbackId).put("liked", true);
        HttpRequest request = HttpRequest.newBuilder(LocalStack.FEEDBACK.url("/api/v1/feedback")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 202;
    }

    private static ObjectNode feedbackBody(String userId, GeneratedImage image) {
        return JSON.createObjectNode().put("imageId", image.id()).put("userId", userId).put("token", image.token());
    }

    /**
     * The sum of the Prometheus samples of {@code name} (e.g. papa_adapter_reload_seconds_sum) whose
     * labels contain {@code labelFilter} (e.g. source="topic"; empty: all), from a service's /q/metrics.
     */
    public double metric(LocalStack.Service service, String name, String labelFilter) {
        return sumSamples(new String(get(service.url("/q/metrics")), StandardCharsets.UTF_8), name, labelFilter);
    }

    static double sumSamples(String prometheusText, String name, String labelFilter) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String labels = line.startsWith(name + "{") ? line.substring(name.length(), line.indexOf('}') + 1) : "";
                if (labels.contains(labelFilter)) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return sum;
    }

    /** The adapter version the sampler serves for this user. */
    public long servedVersion(String userId) {
        return parse(new String(get(LocalStack.SAMPLER.url("/api/v1/users/" + userId + "/adapter")))).get("version").asLong();
    }

    /** The trainer's view of a user: committed version and examples waiting for the next round. */
    public record TrainerState(long version, long feedbackCount, int pending) {}

    /** The trainer's state of a user, or null while the trainer cannot answer (rebuilding: 503). */
    public TrainerState trainerState(String userId) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(LocalStack.TRAINER.url("/api/v1/users/" + userId + "/state"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return null;
        }
        JsonNode state = parse(response.body());
        return new TrainerState(state.get("version").asLong(), state.get("feedbackCount").asLong(), state.get("pending").asInt());
    }

    /** Waits (at most {@code timeout}) until the trainer has had no examples pending and no lag for 3 s. */
    public void awaitTrainerIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int idlePolls = 0;
        while (idlePolls < 6 && System.nanoTime() < deadline) {
            boolean idle = metric(LocalStack.TRAINER, "papa_trainer_examples_pending", "") == 0
                    && metric(LocalStack.TRAINER, "papa_trainer_consumer_lag", "") == 0;
            idlePolls = idle ? idlePolls + 1 : 0;
            LocalStack.sleep(500);
        }
    }

    private JsonNode post(URI uri, JsonNode body, int expectedStatus) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException("POST " + uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    private byte[] get(URI uri) {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " answered " + response.statusCode());
        }
        return response.body();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** A grey PNG (possibly upscaled by the sampler) back to 28×28 bytes. */
    static byte[] greyPixels(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            int scale = image.getWidth() / 28;
            byte[] pixels = new byte[28 * 28];
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    pixels[y * 28 + x] = (byte) (image.getRaster().getSample(x * scale, y * scale, 0));
                }
            }
            return pixels;
        } catch (IOException e) {
            throw new UncheckedIOException("not a PNG", e);
        }
    }
}
