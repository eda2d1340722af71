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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The stack's public HTTP API as a person's client would use it. */
public final class StackClient {

    /** An image handed out by the sampler, with its pixels fetched from the image URL. */
    public record GeneratedImage(String id, long adapterVersion, String token, byte[] pixels) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public List<GeneratedImage> generate(String userId, int count, int ddimSteps, long seed) {
        ObjectNode body = JSON.createObjectNode().put("count", count).put("sampler", "ddim").put("steps", ddimSteps).put("seed", seed);
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
        ObjectNode body = JSON.createObjectNode().put("imageId", image.id()).put("userId", userId)
                .put("token", image.token()).put("liked", liked);
        post(LocalStack.FEEDBACK.url("/api/v1/feedback"), body, 202);
    }

    /** The adapter version the sampler serves for this user. */
    public long servedVersion(String userId) {
        return parse(new String(get(LocalStack.SAMPLER.url("/api/v1/users/" + userId + "/adapter")))).get("version").asLong();
    }

    /** Waits until the sampler serves a version newer than {@code version}; returns it. */
    public long awaitVersionAfter(String userId, long version, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long served = servedVersion(userId);
            if (served > version) {
                return served;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
        throw new IllegalStateException("user " + userId + " still at adapter version " + version + " after " + timeout);
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
