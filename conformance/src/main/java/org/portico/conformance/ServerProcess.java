package org.portico.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A server jar run with {@code java -jar}, as users run it, its output going to a log file. Ready
 * when its readiness URL answers 200.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path log;
    private final URI readiness;
    private final HttpClient probe;
    private final long startedNanos = System.nanoTime();
    private volatile Duration readyAfter;

    private ServerProcess(String name, Process process, Path log, URI readiness, SSLContext sslContext) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.readiness = readiness;
        this.probe = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .sslContext(sslContext)
                .build();
    }

    /**
     * Starts {@code java <jvmOptions> -jar <jar>} with the given extra environment; output (stdout and
     * stderr) goes to {@code <logDir>/<name>.log}; an https readiness URL is probed trusting {@code sslContext}.
     */
    public static ServerProcess start(String name, Path java, List<String> jvmOptions, Path jar,
                                      Map<String, String> environment, Path logDir, URI readiness,
                                      SSLContext sslContext) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The " + name + " jar " + jar.toAbsolutePath().normalize()
                    + " does not exist: build it first (./mvnw -B package -DskipTests, or ./mvnw verify from the repository root)");
        }
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toAbsolutePath().normalize().toString());
        return launch(name, command, environment, logDir, readiness, sslContext);
    }

    /**
     * Starts {@code java <jvmOptions> -cp <classPath> <mainClass> <arguments>}, otherwise as
     * {@link #start}: for a server that is not a jar, such as the benchmark's stock HAPI baseline.
     */
    public static ServerProcess startClass(String name, Path java, List<String> jvmOptions, String classPath,
                                           String mainClass, List<String> arguments, Map<String, String> environment,
                                           Path logDir, URI readiness) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(arguments);
        return launch(name, command, environment, logDir, readiness, Deployment.defaultSslContext());
    }

    private static ServerProcess launch(String name, List<String> command, Map<String, String> environment,
                                        Path logDir, URI readiness, SSLContext sslContext) {
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(logDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            return new ServerProcess(name, builder.start(), log, readiness, sslContext);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The operating system's id of the server's JVM (for its memory and CPU in {@code /proc}). */
    public long pid() {
        return process.pid();
    }

    /** From the launch until the first readiness probe that answered 200 (as fine as the probing), if it did. */
    public java.util.Optional<Duration> readyAfter() {
        return java.util.Optional.ofNullable(readyAfter);
    }

    /** One probe of the readiness URL: true on 200. */
    public boolean isReady() {
        try {
            HttpRequest request = HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(5)).GET().build();
            boolean ready = probe.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            if (ready && readyAfter == null) {
                readyAfter = Duration.ofNanos(System.nanoTime() - startedNanos);
            }
            return ready;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines of the log, for failure messages. */
    public String tail(int lines) {
        try {
            // lenient decoding: a log may hold anything
            List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then a forced kill if it has not stopped within the grace period. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
