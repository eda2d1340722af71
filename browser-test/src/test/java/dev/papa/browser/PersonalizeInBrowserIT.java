package dev.papa.browser;

import dev.papa.cli.stack.LocalStack;
import dev.papa.engine.model.LoraSpec;
import dev.papa.engine.model.UNetConfig;
import dev.papa.engine.model.UNetModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The web page as a person uses it: the real stack (a Kafka broker and the sampler, feedback and
 * trainer services as processes, from their packaged jars, on a tiny random base model) and
 * Debian's Chromium driven by a Node.js script (src/test/js/personalize.mjs, Playwright). The
 * script's screenshot is kept as target/browser-test/personalize.png.
 */
class PersonalizeInBrowserIT {

    /** Images per round = the trainer's round size, so each sent round trains one version. */
    private static final int ROUND = 4;

    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path OUT = MODULE.resolve("target/browser-test");

    @Test
    void aPersonPersonalizesTheModelInTheBrowser() throws IOException {
        Tools.require();
        Tools.Result npm = Tools.run(MODULE, List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(),
                Duration.ofMinutes(5), OUT.resolve("npm-ci.log"));
        assertEquals(0, npm.exitCode(), "npm ci failed:\n" + npm.output());

        Path repo = Path.of(System.getProperty("papa.repo.root", "..")).toAbsolutePath().normalize();
        // startFresh: a new broker and join state each run, and it refuses ports another stack holds.
        LocalStack.Settings settings = new LocalStack.Settings(repo, OUT.resolve("stack"), freePort(), baseModel(),
                serviceConfig(), Duration.ofMinutes(5));
        Tools.Result browser;
        try (LocalStack stack = LocalStack.startFresh(settings)) {
            ourSamplerAnswers();
            Map<String, String> env = Map.of(
                    "PAGE_URL", LocalStack.SAMPLER.url("/").toString(),
                    "CHROMIUM", Tools.CHROMIUM.toString(),
                    "SCREENSHOT", OUT.resolve("personalize.png").toString(),
                    "USER_ID", "browser-" + System.currentTimeMillis());
            browser = Tools.run(MODULE, List.of("node", "src/test/js/personalize.mjs"), env, Duration.ofMinutes(15),
                    OUT.resolve("personalize.log"));
            System.out.println("--- personalize.mjs ---\n" + browser.output());
            if (browser.exitCode() != 0) {
                fail("the browser script failed (exit " + browser.exitCode() + "); service logs in " + stack.logDir()
                        + ", screenshot " + OUT.resolve("personalize.png") + "\n" + browser.output());
            }
        }
        assertTrue(browser.output().contains("all checks passed"), browser.output());
    }

    /**
     * A tiny random model: its images are noise, but every step of the loop is the real one, and
     * fast. {@code -Dpapa.browser.base-model=../models/mnist-base.ckpt} runs it on a real model
     * (that is how docs/web-page.png was made).
     */
    private static Path baseModel() throws IOException {
        String given = System.getProperty("papa.browser.base-model", "");
        if (!given.isBlank()) {
            return Path.of(given).toAbsolutePath();
        }
        Files.createDirectories(OUT);
        Path model = OUT.resolve("tiny-base.ckpt");
        try (UNetModel unet = new UNetModel(UNetConfig.tiny(), LoraSpec.NONE)) {
            unet.toBaseCheckpoint(Map.of("purpose", "browser test")).write(model);
        }
        return model;
    }

    /**
     * Small settings for a 2-core machine: quick-starting JVMs, one OpenMP thread, few sampling steps, a
     * short round; scalar CPU kernels in the services, as this machine's vector units sometimes
     * return garbage (see README) and a round whose every step is rejected publishes no version.
     */
    private static Map<String, String> serviceConfig() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        env.put("OMP_NUM_THREADS", "1");
        env.put("ONEDNN_MAX_CPU_ISA", "SSE41");
        env.put("ATEN_CPU_CAPABILITY", "default");
        env.put("PAPA_WEB_IMAGES_PER_ROUND", Integer.toString(ROUND));
        env.put("PAPA_WEB_STEPS", "2");
        // Below the trainer's max-wait: round 2 (one rating refused) shows the slow-update message.
        env.put("PAPA_WEB_UPDATE_TIMEOUT", "2s");
        env.put("PAPA_TRAINER_ROUND_SIZE", Integer.toString(ROUND));
        // A round with a refused rating has one example less: the trainer closes it after this.
        env.put("PAPA_TRAINER_MAX_WAIT", "5s");
        env.put("PAPA_TRAINER_SAMPLED_TIMESTEPS", "8");
        env.put("PAPA_TRAINER_INSTANCE_ID", "browser-test");
        return env;
    }

    /**
     * The stack's ports are fixed: if another stack took them between the check above and the
     * start, its healthy services would pass for ours. Ours is the one with this test's settings.
     */
    private static void ourSamplerAnswers() throws IOException {
        HttpResponse<String> config;
        try {
            config = HttpClient.newHttpClient().send(HttpRequest.newBuilder(LocalStack.SAMPLER.url("/api/v1/web/config"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        assertTrue(config.statusCode() == 200 && config.body().contains("\"imagesPerRound\":" + ROUND),
                "another sampler answers on port " + LocalStack.SAMPLER.port() + " (another stack started meanwhile?): "
                        + config.statusCode() + " " + config.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
