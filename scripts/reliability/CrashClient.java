import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Write load and verifier for scripts/crash-test.sh; JDK only, run as a single source file
 * ({@code java CrashClient.java load|verify ...}). Talks to one base URL on the loopback interface.
 *
 * <p>load: a few threads create (POST) and update (PUT) Patients and Observations, each with a run-unique
 * identifier, for a bounded time. Every body is journaled as SENT before it goes out; every 2xx answer is journaled
 * as ACK with the id and version the server acknowledged. While the server is down (killed) requests fail and are
 * retried with new content; the journal says what was promised.
 *
 * <p>verify: every ACK must be readable with vread at its version with exactly the content sent (ignoring id and
 * meta); every resource the run touched must have contiguous versions 1..current, each version readable and equal
 * to one of the bodies sent for it (nothing half-written, nothing mixed).
 */
public class CrashClient {

    private static final Pattern ID_AND_META = Pattern.compile(
            "^\\{\"resourceType\":\"(\\w+)\"(,\"id\":\"[^\"]*\")?(,\"meta\":\\{[^}]*\\})?");
    private static final Pattern ETAG_VERSION = Pattern.compile("W/\"(\\d+)\"");
    private static final Pattern IDENTIFIER_VALUE = Pattern.compile("\"system\":\"urn:ductcare:crash-test\",\"value\":\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    CrashClient(String base) {
        if (!base.startsWith("http://127.") && !base.startsWith("http://localhost") && !base.startsWith("http://[::1]")) {
            throw new IllegalArgumentException("loopback only: " + base);
        }
        this.base = base.replaceAll("/+$", "");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        CrashClient client = new CrashClient(options.getOrDefault("base", "http://127.0.0.1:8080/fhir"));
        Path journal = Path.of(options.getOrDefault("journal", "crash-journal.tsv"));
        switch (args.length == 0 ? "" : args[0]) {
            case "load" -> client.load(journal, Integer.parseInt(options.getOrDefault("threads", "4")),
                    Path.of(options.getOrDefault("stop-file", "crash-stop")),
                    Long.parseLong(options.getOrDefault("max-seconds", "600")),
                    options.getOrDefault("run-id", Long.toString(System.currentTimeMillis(), 36)));
            case "verify" -> System.exit(client.verify(journal) ? 0 : 1);
            default -> {
                System.err.println("usage: java CrashClient.java load|verify --base URL --journal FILE [--threads N"
                        + " --stop-file FILE --max-seconds S --run-id ID]");
                System.exit(2);
            }
        }
    }

    // ------------------------------------------------------------------ load

    private void load(Path journalFile, int threads, Path stopFile, long maxSeconds, String runId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(maxSeconds).toNanos();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        try (BufferedWriter journal = Files.newBufferedWriter(journalFile, StandardCharsets.UTF_8)) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int worker = t;
                Thread thread = new Thread(() -> {
                    // Each worker owns its resources, so its acknowledged versions of one resource only grow.
                    List<String[]> mine = new ArrayList<>();
                    long sequence = 0;
                    while (!stop.get()) {
                        sequence++;
                        String key = runId + "-w" + worker + "-" + sequence;
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        boolean update = !mine.isEmpty() && random.nextInt(10) < 4;
                        String[] target = update ? mine.get(random.nextInt(mine.size())) : null;
                        String type = update ? target[0] : random.nextBoolean() ? "Patient" : "Observation";
                        String id = update ? target[1] : null;
                        boolean putAsCreate = !update && random.nextInt(4) == 0;
                        if (putAsCreate) {
                            id = key;
                        }
                        String body = body(type, id, key);
                        record(journal, "SENT", type, id == null ? "-" : id, "-", body);
                        try {
                            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/" + type
                                    + (id == null ? "" : "/" + id))).timeout(Duration.ofSeconds(120))
                                    .header("Content-Type", "application/fhir+json")
                                    .header("Accept", "application/fhir+json")
                                    .header("Prefer", "return=minimal");
                            request = id == null ? request.POST(HttpRequest.BodyPublishers.ofString(body))
                                    : request.PUT(HttpRequest.BodyPublishers.ofString(body));
                            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() / 100 == 2) {
                                String location = response.headers().firstValue("Location")
                                        .or(() -> response.headers().firstValue("Content-Location")).orElseThrow();
                                Matcher version = ETAG_VERSION.matcher(response.headers().firstValue("ETag").orElseThrow());
                                version.find();
                                String ackId = location.replaceFirst(".*/" + type + "/([^/]+)/_history/.*", "$1");
                                record(journal, "ACK", type, ackId, version.group(1), body);
                                acknowledged.incrementAndGet();
                                if (id == null || putAsCreate) {
                                    mine.add(new String[] {type, ackId});
                                }
                            } else {
                                failed.incrementAndGet();
                                if (response.statusCode() / 100 == 4) {
                                    System.err.println("crash-client: unexpected " + response.statusCode() + " for a valid "
                                            + type + " write");
                                }
                            }
                        } catch (IOException e) {
                            // server down or killed mid-request: outcome unknown
                            if (failed.incrementAndGet() <= 3) {
                                System.err.println("crash-client: write failed: " + e);
                            }
                            sleep(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "crash-load-" + t);
                thread.start();
                workers.add(thread);
            }
            while (!Files.exists(stopFile) && System.nanoTime() < deadline) {
                sleep(200);
            }
            stop.set(true);
            for (Thread worker : workers) {
                worker.join(60_000);
            }
        }
        System.out.println("crash-client: load stopped, acknowledged=" + acknowledged.get() + " failed=" + failed.get());
    }

    private static String body(String type, String id, String key) {
        String idPart = id == null ? "" : ",\"id\":\"" + id + "\"";
        String identifier = "\"identifier\":[{\"system\":\"urn:ductcare:crash-test\",\"value\":\"" + key + "\"}]";
        if (type.equals("Patient")) {
            return "{\"resourceType\":\"Patient\"" + idPart + "," + identifier + ",\"active\":true,\"name\":[{\"family\":"
                    + "\"Crash\",\"given\":[\"" + key + "\"]}],\"gender\":\"female\",\"birthDate\":\"1990-04-12\"}";
        }
        int tenths = 365 + ThreadLocalRandom.current().nextInt(40);
        return "{\"resourceType\":\"Observation\"" + idPart + "," + identifier + ",\"status\":\"final\",\"code\":{\"coding\":"
                + "[{\"system\":\"http://loinc.org\",\"code\":\"8310-5\"}]},\"subject\":{\"reference\":\"Patient/crash\"},"
                + "\"effectiveDateTime\":\"2025-03-03T10:30:00Z\",\"valueQuantity\":{\"value\":" + tenths / 10 + "."
                + tenths % 10 + ",\"unit\":\"Cel\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"Cel\"}}";
    }

    private static void record(BufferedWriter journal, String kind, String type, String id, String version, String body) {
        synchronized (journal) {
            try {
                journal.write(kind + "\t" + type + "\t" + id + "\t" + version + "\t" + body + "\n");
                journal.flush();
            } catch (IOException e) {
                throw new IllegalStateException("journal write failed", e);
            }
        }
    }

    // ------------------------------------------------------------------ verify

    private boolean verify(Path journalFile) throws Exception {
        List<String[]> acks = new ArrayList<>();
        Set<String> sentContent = new HashSet<>();
        Map<String, String> resources = new HashMap<>();
        for (String line : Files.readAllLines(journalFile, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", 5);
            if (f.length < 5) {
                continue;
            }
            sentContent.add(content(f[4]));
            if (f[0].equals("ACK")) {
                acks.add(f);
                resources.put(f[1] + "/" + f[2], f[1]);
            }
        }
        long lost = 0;
        long changed = 0;
        for (String[] ack : acks) {
            HttpResponse<String> read = get("/" + ack[1] + "/" + ack[2] + "/_history/" + ack[3]);
            if (read.statusCode() != 200) {
                lost++;
                System.err.println("LOST " + ack[1] + "/" + ack[2] + " version " + ack[3] + " (HTTP " + read.statusCode() + ")");
            } else if (!content(read.body()).equals(content(ack[4]))) {
                changed++;
                System.err.println("CHANGED " + ack[1] + "/" + ack[2] + " version " + ack[3]);
            }
        }
        long versionsChecked = 0;
        long gaps = 0;
        long halfWritten = 0;
        for (String reference : resources.keySet()) {
            HttpResponse<String> current = get("/" + reference);
            Matcher etag = ETAG_VERSION.matcher(current.headers().firstValue("ETag").orElse(""));
            if (current.statusCode() == 404) {
                continue; // its creation was lost: counted above with its acknowledgement
            }
            if (current.statusCode() != 200 || !etag.find()) {
                halfWritten++;
                System.err.println("UNREADABLE current " + reference + " (HTTP " + current.statusCode() + ")");
                continue;
            }
            int latest = Integer.parseInt(etag.group(1));
            for (int version = 1; version <= latest; version++) {
                versionsChecked++;
                HttpResponse<String> read = get("/" + reference + "/_history/" + version);
                if (read.statusCode() != 200) {
                    gaps++;
                    System.err.println("GAP " + reference + " version " + version + " (HTTP " + read.statusCode() + ")");
                } else if (!sentContent.contains(content(read.body()))) {
                    halfWritten++;
                    System.err.println("UNKNOWN CONTENT " + reference + " version " + version);
                }
            }
        }
        long carePlanMismatches = verifyCarePlans(resources.keySet());
        System.out.println("crash-client: acknowledged=" + acks.size() + " lost=" + lost + " changed=" + changed
                + " resources=" + resources.size() + " versions-checked=" + versionsChecked + " gaps=" + gaps
                + " half-written=" + halfWritten + " careplan-mismatches=" + carePlanMismatches);
        return lost == 0 && changed == 0 && gaps == 0 && halfWritten == 0 && carePlanMismatches == 0;
    }

    /**
     * Hook for the care-plan engine (branch engine): once Conditions generate CarePlans, the load should also write
     * blocked-duct Conditions, MedicationRequests and Observations per patient, and this check should compare every
     * CarePlan (GET CarePlan?subject=...) with what its inputs imply (the engine run on the acknowledged inputs).
     * Until then there are no CarePlans to check.
     */
    private long verifyCarePlans(Set<String> writtenResources) {
        return 0;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/fhir+json").GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The resource without id and meta: what the client sent, as the server stores it (compact, same order). */
    static String content(String json) {
        String trimmed = json.trim();
        Matcher head = ID_AND_META.matcher(trimmed);
        if (!head.find()) {
            return trimmed;
        }
        return "{\"resourceType\":\"" + head.group(1) + "\"" + trimmed.substring(head.end());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String identifierOf(String body) {
        Matcher matcher = IDENTIFIER_VALUE.matcher(body);
        return matcher.find() ? matcher.group(1) : null;
    }
}
