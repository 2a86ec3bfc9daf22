package dev.scorecam.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load on a running server over loopback: for each concurrency level, {@code requests} synchronous
 * explanations of one image, shared among that many clients; prints throughput and latency
 * percentiles per level as a Markdown table. Run by tools/load-benchmark.sh; not a test.
 *
 * <p>Arguments: {@code <base-url> <model> <image> <requests-per-level> <levels, comma-separated>}.
 */
public final class LoadBenchmark {

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0] + "/v1/models/" + args[1] + "/explanations");
        byte[] body = multipart(Files.readAllBytes(Path.of(args[2])));
        int requests = Integer.parseInt(args[3]);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        for (int i = 0; i < 10; i++) {
            http.send(request, HttpResponse.BodyHandlers.discarding()); // warm the JIT and the engine
        }
        System.out.println("| clients | requests | 200 | 503 | throughput (req/s) | p50 ms | p95 ms | p99 ms |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String level : args[4].split(",")) {
            int clients = Integer.parseInt(level.strip());
            double[] millis = new double[requests];
            AtomicInteger next = new AtomicInteger();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger busy = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        millis[i] = (System.nanoTime() - t0) / 1e6;
                        (status == 200 ? ok : busy).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            Arrays.sort(millis);
            System.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %.1f | %.0f | %.0f | %.0f |%n", clients, requests,
                    ok.get(), busy.get(), requests / seconds, pct(millis, 0.50), pct(millis, 0.95), pct(millis, 0.99));
        }
    }

    private static final String BOUNDARY = "scorecam-load-benchmark";

    private static byte[] multipart(byte[] image) {
        String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"image.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n";
        String tail = "\r\n--" + BOUNDARY + "--\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + image.length + t.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(image, 0, all, h.length, image.length);
        System.arraycopy(t, 0, all, h.length + image.length, t.length);
        return all;
    }

    /** Nearest rank. */
    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
