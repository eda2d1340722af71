package dev.papa.cli;

import dev.papa.cli.stack.LocalStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start the broker and the three services and leave them running until Ctrl-C.")
final class UpCommand implements Callable<Integer> {

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() throws InterruptedException {
        LocalStack running = stack.start(Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping the stack...");
            running.close();
            stopped.countDown();
        }));
        System.out.printf("PAPA is up (Ctrl-C stops it):%n  kafka     %s%n", running.bootstrapServers());
        for (LocalStack.Service service : LocalStack.SERVICES) {
            System.out.printf("  %-9s %s  (health %s, API %s)%n", service.name(), service.url("/"), service.url("/q/health"),
                    service.url("/q/openapi"));
        }
        System.out.println("  web page  " + LocalStack.SAMPLER.url("/") + "  (personalize the model in a browser)");
        System.out.println("  logs      " + running.logDir());
        stopped.await();
        return 0;
    }
}
