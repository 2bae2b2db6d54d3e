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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * identifier, for a bounded time; and, for the most recently created Patients (shared by all threads, so feeds for
 * one patient run concurrently), blocked-duct and mastitis Conditions, MedicationRequests (antibiotics, sometimes
 * another drug) and body-temperature Observations, and updates of them (a Condition's dates, or its clinical status
 * to resolved; a MedicationRequest's status or start). Every clinical date is in 2030, so no planned activity has
 * started yet and a plan depends on its inputs only, not on the clock. Every body is journaled as SENT before it goes
 * out; every 2xx answer is journaled as ACK with the id and version the server acknowledged. While the server is
 * down (killed) requests fail and are retried with new content; the journal says what was promised.
 *
 * <p>verify: every ACK must be readable with vread at its version with exactly the content sent (ignoring id and
 * meta); every resource the run touched must have contiguous versions 1..current, each version readable and equal
 * to one of the bodies sent for it (nothing half-written, nothing mixed). Then the CarePlans: for every patient the
 * clinical load wrote for, every Condition (each acknowledged one, and any other the store has) must have the
 * CarePlan that {@code POST CarePlan/$generate} makes from the patient's stored Condition, MedicationRequests and
 * Observations as read back now, equal to it but for id, meta, created and note times; a Condition the protocol no
 * longer plans for (resolved) must have a closed plan with the same notes; and the patient's CarePlans must be
 * exactly one per Condition, each addressing an existing Condition.
 */
public class CrashClient {

    private static final Pattern ID_AND_META = Pattern.compile(
            "^\\{\"resourceType\":\"(\\w+)\"(,\"id\":\"[^\"]*\")?(,\"meta\":\\{[^}]*\\})?");
    private static final Pattern ETAG_VERSION = Pattern.compile("W/\"(\\d+)\"");
    private static final Pattern IDENTIFIER_VALUE = Pattern.compile("\"system\":\"urn:ductcare:crash-test\",\"value\":\"([^\"]+)\"");
    private static final Pattern SUBJECT = Pattern.compile("\"subject\":\\{\"reference\":\"(Patient/[^\"]+)\"\\}");
    /** Subject of the Patient-less Observations of the plain write load; no Condition refers to it. */
    private static final String NO_PATIENT = "Patient/crash";
    /** Clinical writes go to one of the most recent Patients, so each gets several Conditions and feeds. */
    private static final int CLINICAL_PATIENTS = 12;

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

    /** What a write is about; each kind has one resource type and one body shape. */
    private enum Kind {
        PATIENT("Patient"), OBSERVATION("Observation"), BLOCKED_DUCT("Condition"), MASTITIS("Condition"),
        MEDICATION("MedicationRequest"), TEMPERATURE("Observation");

        final String type;

        Kind(String type) {
            this.type = type;
        }

        boolean clinical() {
            return this != PATIENT && this != OBSERVATION;
        }
    }

    /** A resource one worker created: only that worker updates it, so its acknowledged versions only grow. */
    private static final class Owned {
        final Kind kind;
        final String id;
        final String subject;
        /** A resolved Condition is left alone: reopening it would keep the closed plan's cancelled activities. */
        boolean closed;

        Owned(Kind kind, String id, String subject) {
            this.kind = kind;
            this.id = id;
            this.subject = subject;
        }
    }

    private void load(Path journalFile, int threads, Path stopFile, long maxSeconds, String runId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(maxSeconds).toNanos();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong clinical = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<String> patients = new CopyOnWriteArrayList<>();
        try (BufferedWriter journal = Files.newBufferedWriter(journalFile, StandardCharsets.UTF_8)) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int worker = t;
                Thread thread = new Thread(() -> {
                    List<Owned> mine = new ArrayList<>();
                    long sequence = 0;
                    while (!stop.get()) {
                        sequence++;
                        String key = runId + "-w" + worker + "-" + sequence;
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        Owned target = !mine.isEmpty() && random.nextInt(10) < 4 ? mine.get(random.nextInt(mine.size())) : null;
                        if (target != null && target.closed) {
                            target = null;
                        }
                        boolean update = target != null;
                        Kind kind = update ? target.kind : newKind(random, patients.size());
                        String type = kind.type;
                        String subject = update ? target.subject : subjectFor(kind, random, patients);
                        String id = update ? target.id : null;
                        boolean putAsCreate = !update && random.nextInt(4) == 0;
                        if (putAsCreate) {
                            id = key;
                        }
                        String clinicalStatus = kind.type.equals("Condition") && update && random.nextInt(4) == 0
                                ? "resolved" : "active";
                        if (clinicalStatus.equals("resolved")) {
                            target.closed = true; // from the moment it may have been stored, whatever the answer
                        }
                        String body = body(kind, id, key, subject, update, clinicalStatus, random);
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
                                if (kind.clinical()) {
                                    clinical.incrementAndGet();
                                }
                                if (!update) {
                                    mine.add(new Owned(kind, ackId, subject));
                                    if (kind == Kind.PATIENT) {
                                        patients.add("Patient/" + ackId);
                                    }
                                }
                            } else {
                                failed.incrementAndGet();
                                if (response.statusCode() / 100 == 4) {
                                    System.err.println("crash-client: unexpected " + response.statusCode() + " for a valid "
                                            + type + " write: " + response.body().substring(0, Math.min(400, response.body().length())));
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
        System.out.println("crash-client: load stopped, acknowledged=" + acknowledged.get() + " (clinical="
                + clinical.get() + ") failed=" + failed.get());
    }

    /** Patients and Patient-less Observations as before; once Patients exist, half the creates are clinical. */
    private static Kind newKind(ThreadLocalRandom random, int patients) {
        int pick = random.nextInt(100);
        if (patients == 0 || pick < 30) {
            return pick % 2 == 0 ? Kind.PATIENT : Kind.OBSERVATION;
        }
        if (pick < 45) {
            return Kind.BLOCKED_DUCT;
        }
        if (pick < 60) {
            return Kind.MASTITIS;
        }
        return pick < 85 ? Kind.MEDICATION : Kind.TEMPERATURE;
    }

    private static String subjectFor(Kind kind, ThreadLocalRandom random, List<String> patients) {
        if (!kind.clinical()) {
            return kind == Kind.OBSERVATION ? NO_PATIENT : null;
        }
        int size = patients.size();
        return patients.get(size - 1 - random.nextInt(Math.min(CLINICAL_PATIENTS, size)));
    }

    /**
     * The body of a write, compact and in HAPI's element order (the verifier compares stored versions with what was
     * sent as text). Clinical times are random minutes in March 2030, inside and outside the clinic's hours.
     */
    private static String body(Kind kind, String id, String key, String subject, boolean update, String clinicalStatus,
            ThreadLocalRandom random) {
        String head = "{\"resourceType\":\"" + kind.type + "\"" + (id == null ? "" : ",\"id\":\"" + id + "\"")
                + ",\"identifier\":[{\"system\":\"urn:ductcare:crash-test\",\"value\":\"" + key + "\"}]";
        String subjectPart = ",\"subject\":{\"reference\":\"" + subject + "\"}";
        switch (kind) {
            case PATIENT -> {
                return head + ",\"active\":true,\"name\":[{\"family\":\"Crash\",\"given\":[\"" + key + "\"]}],"
                        + "\"gender\":\"female\",\"birthDate\":\"1990-04-12\"}";
            }
            case OBSERVATION -> {
                int tenths = 365 + random.nextInt(40);
                return head + ",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":"
                        + "\"8310-5\"}]}" + subjectPart + ",\"effectiveDateTime\":\"2025-03-03T10:30:00Z\","
                        + "\"valueQuantity\":{\"value\":" + tenths / 10 + "." + tenths % 10 + ",\"unit\":\"Cel\","
                        + "\"system\":\"http://unitsofmeasure.org\",\"code\":\"Cel\"}}";
            }
            case BLOCKED_DUCT, MASTITIS -> {
                String code = kind == Kind.BLOCKED_DUCT
                        ? "{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/icd-10-cm\",\"code\":\"O92.79\"}],"
                        + "\"text\":\"Blocked milk duct, " + (random.nextBoolean() ? "left" : "right") + " breast\"}"
                        : "{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"1287638006\"},"
                        + "{\"system\":\"http://hl7.org/fhir/sid/icd-10-cm\",\"code\":\"O91.23\"}],"
                        + "\"text\":\"Lactational mastitis after a blocked milk duct\"}";
                int day = 3 + random.nextInt(18);
                String recorded = time2030(day, random);
                String onset = time2030(day - 1, random);
                int dates = random.nextInt(5); // 0: onset only (the fallback), 1-2: recorded only, 3-4: both
                return head + ",\"clinicalStatus\":{\"coding\":[{\"system\":"
                        + "\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"" + clinicalStatus + "\"}]},"
                        + "\"verificationStatus\":{\"coding\":[{\"system\":"
                        + "\"http://terminology.hl7.org/CodeSystem/condition-ver-status\",\"code\":\"confirmed\"}]},"
                        + "\"code\":" + code + subjectPart
                        + (dates == 0 || dates >= 3 ? ",\"onsetDateTime\":\"" + onset + "\"" : "")
                        + (dates != 0 ? ",\"recordedDate\":\"" + recorded + "\"" : "") + "}";
            }
            case MEDICATION -> {
                int drug = random.nextInt(6);
                String medication = switch (drug) {
                    case 0, 1, 2 -> "{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\","
                            + "\"code\":\"309114\"}],\"text\":\"cephalexin 500 MG Oral Capsule\"}";
                    case 3, 4 -> "{\"coding\":[{\"system\":\"http://www.whocc.no/atc\",\"code\":\"J01CF01\"}],"
                            + "\"text\":\"dicloxacillin 500 MG Oral Capsule\"}";
                    default -> "{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\","
                            + "\"code\":\"5640\"}],\"text\":\"ibuprofen\"}";
                };
                String status = update ? (random.nextInt(3) == 0 ? "cancelled" : "active")
                        : random.nextInt(8) == 0 ? "completed" : "active";
                int day = 2 + random.nextInt(19);
                String dosage = random.nextInt(3) == 0
                        ? ",\"dosageInstruction\":[{\"text\":\"One capsule four times a day\",\"timing\":{\"repeat\":"
                        + "{\"boundsPeriod\":{\"start\":\"" + time2030(day + 1, random) + "\"},\"frequency\":4,"
                        + "\"period\":1,\"periodUnit\":\"d\"}}}]"
                        : "";
                return head + ",\"status\":\"" + status + "\",\"intent\":\"order\",\"medicationCodeableConcept\":"
                        + medication + subjectPart + ",\"authoredOn\":\"" + time2030(day, random) + "\"" + dosage + "}";
            }
            case TEMPERATURE -> {
                boolean fahrenheit = random.nextInt(4) == 0;
                int tenths = fahrenheit ? 975 + random.nextInt(60) : 363 + random.nextInt(35);
                String unit = fahrenheit ? "\"unit\":\"degF\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"[degF]\""
                        : "\"unit\":\"Cel\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"Cel\"";
                return head + ",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":"
                        + "\"8310-5\"}]}" + subjectPart + ",\"effectiveDateTime\":\"" + time2030(2 + random.nextInt(19), random)
                        + "\",\"valueQuantity\":{\"value\":" + tenths / 10 + "." + tenths % 10 + "," + unit + "}}";
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
    }

    private static String time2030(int dayOfMarch, ThreadLocalRandom random) {
        return String.format("2030-03-%02dT%02d:%02d:00Z", dayOfMarch, random.nextInt(24), 5 * random.nextInt(12));
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
        Set<String> clinicalPatients = new TreeSet<>();
        Map<String, Set<String>> acknowledgedConditions = new HashMap<>();
        for (String line : Files.readAllLines(journalFile, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", 5);
            if (f.length < 5) {
                continue;
            }
            sentContent.add(content(f[4]));
            Matcher subject = SUBJECT.matcher(f[4]);
            String patient = subject.find() && !subject.group(1).equals(NO_PATIENT) ? subject.group(1) : null;
            if (patient != null) {
                clinicalPatients.add(patient);
            }
            if (f[0].equals("ACK")) {
                acks.add(f);
                resources.put(f[1] + "/" + f[2], f[1]);
                if (f[1].equals("Condition") && patient != null) {
                    acknowledgedConditions.computeIfAbsent(patient, p -> new TreeSet<>()).add(f[2]);
                }
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
        PlanCheck plans = verifyCarePlans(clinicalPatients, acknowledgedConditions);
        System.out.println("crash-client: acknowledged=" + acks.size() + " lost=" + lost + " changed=" + changed
                + " resources=" + resources.size() + " versions-checked=" + versionsChecked + " gaps=" + gaps
                + " half-written=" + halfWritten + " conditions=" + plans.conditions() + " careplans=" + plans.carePlans()
                + " careplan-mismatches=" + plans.mismatches());
        return lost == 0 && changed == 0 && gaps == 0 && halfWritten == 0 && plans.mismatches() == 0
                && (plans.conditions() > 0 || acknowledgedConditions.isEmpty());
    }

    // ------------------------------------------------------------------ CarePlans

    /** Conditions looked at, CarePlans compared, and every way a patient's plans differed from their inputs. */
    private record PlanCheck(long conditions, long carePlans, long mismatches) {
    }

    private static final Set<String> OPEN_ACTIVITY_STATUSES = Set.of("not-started", "scheduled", "on-hold");
    /** A note about a temperature taken after "now" names the moment of planning: the window's end. */
    private static final Pattern LOOK_BACK_NOW = Pattern.compile("(outside the look-back window \\[[^,\\]]*, )[^\\]]*\\]");
    private static final Pattern NOTE_PREFIX = Pattern.compile("^[A-Z]+ \\([A-Z_]+\\): ");

    /**
     * Every CarePlan of the patients the clinical load wrote for against what their stored inputs imply now: the
     * stateless {@code $generate} of each Condition with all of the patient's MedicationRequests and Observations.
     */
    private PlanCheck verifyCarePlans(Set<String> patients, Map<String, Set<String>> acknowledgedConditions)
            throws IOException, InterruptedException {
        long conditionsChecked = 0;
        long plansChecked = 0;
        long mismatches = 0;
        for (String patient : patients) {
            Map<String, Map<String, Object>> conditions = byId(searchAll("Condition", patient));
            List<Map<String, Object>> inputs = new ArrayList<>(searchAll("MedicationRequest", patient));
            inputs.addAll(searchAll("Observation", patient));
            for (String acknowledged : acknowledgedConditions.getOrDefault(patient, Set.of())) {
                if (!conditions.containsKey(acknowledged)) {
                    HttpResponse<String> read = get("/Condition/" + acknowledged);
                    if (read.statusCode() == 200) { // (a 404 is a lost write, counted above)
                        mismatches += mismatch("Condition/" + acknowledged, patient,
                                "exists but Condition?subject=" + patient + " does not find it");
                        conditions.put(acknowledged, object(Json.parse(read.body())));
                    }
                }
            }
            Map<String, Map<String, Object>> planByCondition = new TreeMap<>();
            for (Map<String, Object> plan : searchAll("CarePlan", patient)) {
                String planId = (String) plan.get("id");
                List<Object> addresses = list(plan.get("addresses"));
                String addressed = addresses.size() == 1 ? (String) object(addresses.get(0)).get("reference") : null;
                String conditionId = addressed != null && addressed.startsWith("Condition/")
                        ? addressed.substring("Condition/".length()) : null;
                if (conditionId == null) {
                    mismatches += mismatch("CarePlan/" + planId, patient, "addresses " + addresses + ", not one Condition");
                } else if (planByCondition.put(conditionId, plan) != null) {
                    mismatches += mismatch("CarePlan/" + planId, patient, "a second CarePlan for " + addressed);
                } else if (!conditions.containsKey(conditionId)) {
                    mismatches += mismatch("CarePlan/" + planId, patient, "addresses " + addressed + ", which does not exist");
                } else if (!planId.equals(carePlanId(conditionId))) {
                    mismatches += mismatch("CarePlan/" + planId, patient, "addresses " + addressed + " but is not "
                            + carePlanId(conditionId));
                }
            }
            for (Map<String, Object> condition : conditions.values()) {
                conditionsChecked++;
                String conditionId = (String) condition.get("id");
                String planReference = "CarePlan/" + carePlanId(conditionId);
                HttpResponse<String> read = get("/" + planReference);
                Map<String, Object> stored = read.statusCode() == 200 ? object(Json.parse(read.body())) : null;
                String absent = read.statusCode() == 410 ? "deleted (HTTP 410)" : "missing";
                if (read.statusCode() != 200 && read.statusCode() != 404 && read.statusCode() != 410) {
                    mismatches += mismatch(planReference, patient, "GET answered HTTP " + read.statusCode());
                    continue;
                }
                if (stored != null && !planByCondition.containsKey(conditionId)) {
                    mismatches += mismatch(planReference, patient, "exists but CarePlan?subject=" + patient + " does not find it");
                }
                HttpResponse<String> implied = generate(condition, inputs);
                if (implied.statusCode() == 200) {
                    if (stored == null) {
                        mismatches += mismatch(planReference, patient, absent + ": Condition/" + conditionId + " with its inputs"
                                + " implies a CarePlan with status " + object(Json.parse(implied.body())).get("status"));
                        continue;
                    }
                    plansChecked++;
                    List<String> differences = new ArrayList<>();
                    diff("", comparable(stored), comparable(object(Json.parse(implied.body()))), differences);
                    mismatches += mismatch(planReference, patient, differences);
                } else if (implied.statusCode() == 422) {
                    if (stored != null) {
                        plansChecked++;
                        mismatches += mismatch(planReference, patient, closedPlanDifferences(stored, implied.body()));
                    } else if (plannedWhenCreated(conditionId)) {
                        mismatches += mismatch(planReference, patient, absent + ": version 1 of Condition/" + conditionId
                                + " made a plan, and a plan is never deleted");
                    }
                } else {
                    mismatches += mismatch(planReference, patient, "$generate for Condition/" + conditionId + " answered HTTP "
                            + implied.statusCode() + ": " + implied.body().substring(0, Math.min(300, implied.body().length())));
                }
            }
        }
        return new PlanCheck(conditionsChecked, plansChecked, mismatches);
    }

    /** The id the service gives the CarePlan of a Condition (CarePlanService.carePlanIdFor; ids here are short). */
    private static String carePlanId(String conditionId) {
        return "careplan-" + conditionId;
    }

    /** {@code POST CarePlan/$generate} with the Condition and the patient's other inputs as resource parts. */
    private HttpResponse<String> generate(Map<String, Object> condition, List<Map<String, Object>> inputs)
            throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder("{\"resourceType\":\"Parameters\",\"parameter\":[");
        List<Map<String, Object>> parts = new ArrayList<>();
        parts.add(condition);
        parts.addAll(inputs);
        for (int i = 0; i < parts.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"name\":\"resource\",\"resource\":").append(Json.write(parts.get(i))).append('}');
        }
        body.append("]}");
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/CarePlan/$generate")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** True when the Condition's first version, on its own, makes a plan (whether it is on hold depends on no input). */
    private boolean plannedWhenCreated(String conditionId) throws IOException, InterruptedException {
        HttpResponse<String> first = get("/Condition/" + conditionId + "/_history/1");
        return first.statusCode() == 200 && generate(object(Json.parse(first.body())), List.of()).statusCode() == 200;
    }

    /**
     * A Condition the protocol makes no plan for any more (422 from $generate) keeps its plan, closed: completed when
     * the reasons say so, else revoked; no activity left open; the notes are the reasons $generate gives.
     */
    private static List<String> closedPlanDifferences(Map<String, Object> stored, String outcomeJson) {
        List<Object> issues = list(object(Json.parse(outcomeJson)).get("issue"));
        List<String> reasons = new ArrayList<>();
        for (Object issue : issues.subList(Math.min(1, issues.size()), issues.size())) {
            reasons.add((String) object(issue).get("diagnostics"));
        }
        String expectedStatus = reasons.stream().anyMatch(r -> r.contains("the care plan is completed")) ? "completed" : "revoked";
        List<String> differences = new ArrayList<>();
        if (!expectedStatus.equals(stored.get("status"))) {
            differences.add("status: stored " + stored.get("status") + ", implied " + expectedStatus);
        }
        List<String> notes = new ArrayList<>();
        for (Object note : list(stored.get("note"))) {
            notes.add(NOTE_PREFIX.matcher(String.valueOf(object(note).get("text"))).replaceFirst(""));
        }
        if (!normalizeNow(notes.toString()).equals(normalizeNow(reasons.toString()))) {
            differences.add("note: stored " + notes + ", implied " + reasons);
        }
        for (Object activity : list(stored.get("activity"))) {
            Object status = object(object(activity).get("detail")).get("status");
            if (OPEN_ACTIVITY_STATUSES.contains(status)) {
                differences.add("activity[" + activityKey(object(activity)) + "].detail.status: stored " + status
                        + " in a " + expectedStatus + " plan");
            }
        }
        return differences;
    }

    /**
     * A CarePlan without what differs between a stored and a stateless plan by design: id, meta, created (the
     * first plan's time), each note's time (when it was made) and the end of a temperature's look-back window
     * (the moment of planning). Activities are keyed by their activity key, so a difference names the activity.
     */
    private static Map<String, Object> comparable(Map<String, Object> plan) {
        Map<String, Object> copy = new LinkedHashMap<>(plan);
        copy.remove("id");
        copy.remove("meta");
        copy.remove("created");
        List<Object> notes = new ArrayList<>();
        for (Object note : list(copy.get("note"))) {
            Map<String, Object> n = new LinkedHashMap<>(object(note));
            n.remove("time");
            n.computeIfPresent("text", (k, v) -> normalizeNow((String) v));
            notes.add(n);
        }
        copy.put("note", notes);
        if (copy.get("text") instanceof Map<?, ?> text) {
            Map<String, Object> narrative = new LinkedHashMap<>(object(text));
            narrative.computeIfPresent("div", (k, v) -> normalizeNow((String) v));
            copy.put("text", narrative);
        }
        Map<String, Object> activities = new LinkedHashMap<>();
        for (Object activity : list(copy.get("activity"))) {
            String key = activityKey(object(activity));
            activities.put(activities.containsKey(key) ? key + "(again)" : key, activity);
        }
        copy.put("activity", activities);
        return copy;
    }

    private static String normalizeNow(String text) {
        return LOOK_BACK_NOW.matcher(text).replaceAll("$1(now)]");
    }

    private static String activityKey(Map<String, Object> activity) {
        for (Object extension : list(activity.get("extension"))) {
            if (String.valueOf(object(extension).get("url")).endsWith("/careplan-activity-key")) {
                return String.valueOf(object(extension).get("valueString"));
            }
        }
        return "(no key)";
    }

    /** Appends one line per path where stored and implied differ. */
    private static void diff(String path, Object stored, Object implied, List<String> out) {
        if (stored instanceof Map<?, ?> a && implied instanceof Map<?, ?> b) {
            Set<Object> keys = new java.util.LinkedHashSet<>(a.keySet());
            keys.addAll(b.keySet());
            for (Object key : keys) {
                diff(path.isEmpty() ? String.valueOf(key) : path + (path.equals("activity") ? "[" + key + "]" : "." + key),
                        a.get(key), b.get(key), out);
            }
        } else if (stored instanceof List<?> a && implied instanceof List<?> b && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                diff(path + "[" + i + "]", a.get(i), b.get(i), out);
            }
        } else if (stored == null ? implied != null : !stored.equals(implied)) {
            out.add(path + ": stored " + brief(stored) + ", implied " + brief(implied));
        }
    }

    private static String brief(Object value) {
        String text = value == null ? "(absent)" : value instanceof String s ? s : Json.write(value);
        return text.length() <= 160 ? text : text.substring(0, 160) + "...";
    }

    private static long mismatch(String what, String patient, String why) {
        System.err.println("CAREPLAN MISMATCH " + what + " (" + patient + "): " + why);
        return 1;
    }

    private static long mismatch(String what, String patient, List<String> differences) {
        if (differences.isEmpty()) {
            return 0;
        }
        System.err.println("CAREPLAN MISMATCH " + what + " (" + patient + "): " + differences.size()
                + (differences.size() == 1 ? " difference" : " differences") + " from what its inputs imply");
        differences.stream().limit(8).forEach(d -> System.err.println("    " + d));
        return 1;
    }

    /** Every resource of a type whose subject is the patient, following next links. */
    private List<Map<String, Object>> searchAll(String type, String patient) throws IOException, InterruptedException {
        List<Map<String, Object>> found = new ArrayList<>();
        String next = base + "/" + type + "?subject=" + patient + "&_count=1000";
        for (int page = 0; next != null && page < 100; page++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(next)).timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + next + " answered HTTP " + response.statusCode());
            }
            Map<String, Object> bundle = object(Json.parse(response.body()));
            for (Object entry : list(bundle.get("entry"))) {
                Object resource = object(entry).get("resource");
                if (resource != null && type.equals(object(resource).get("resourceType"))) {
                    found.add(object(resource));
                }
            }
            next = null;
            for (Object link : list(bundle.get("link"))) {
                if ("next".equals(object(link).get("relation"))) {
                    next = (String) object(link).get("url");
                }
            }
        }
        return found;
    }

    private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> resources) {
        Map<String, Map<String, Object>> byId = new TreeMap<>();
        resources.forEach(r -> byId.put((String) r.get("id"), r));
        return byId;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof List<?> ? (List<Object>) value : List.of();
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

    /**
     * Just enough JSON for FHIR resources, JDK only: objects (insertion-ordered maps), arrays (lists), strings,
     * numbers (kept as written), booleans and null.
     */
    static final class Json {

        /** A number as written, so writing it back changes nothing. */
        record Number(String text) {
            @Override
            public String toString() {
                return text;
            }
        }

        private final String text;
        private int at;

        private Json(String text) {
            this.text = text;
        }

        static Object parse(String text) {
            Json json = new Json(text);
            Object value = json.value();
            json.space();
            if (json.at != text.length()) {
                throw json.error("trailing content");
            }
            return value;
        }

        static String write(Object value) {
            StringBuilder out = new StringBuilder();
            write(value, out);
            return out.toString();
        }

        private static void write(Object value, StringBuilder out) {
            if (value instanceof Map<?, ?> map) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.append(first ? "" : ",");
                    first = false;
                    writeString(String.valueOf(entry.getKey()), out);
                    out.append(':');
                    write(entry.getValue(), out);
                }
                out.append('}');
            } else if (value instanceof List<?> list) {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    write(list.get(i), out);
                }
                out.append(']');
            } else if (value instanceof String s) {
                writeString(s, out);
            } else {
                out.append(value); // Number, Boolean, null
            }
        }

        private static void writeString(String s, StringBuilder out) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }

        private Object value() {
            space();
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            switch (c) {
                case '{' -> {
                    at++;
                    Map<String, Object> map = new LinkedHashMap<>();
                    space();
                    if (peek('}')) {
                        return map;
                    }
                    do {
                        space();
                        String key = string();
                        space();
                        expect(':');
                        map.put(key, value());
                        space();
                    } while (peek(','));
                    expect('}');
                    return map;
                }
                case '[' -> {
                    at++;
                    List<Object> list = new ArrayList<>();
                    space();
                    if (peek(']')) {
                        return list;
                    }
                    do {
                        list.add(value());
                        space();
                    } while (peek(','));
                    expect(']');
                    return list;
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    if (text.startsWith("true", at)) {
                        at += 4;
                        return Boolean.TRUE;
                    }
                    if (text.startsWith("false", at)) {
                        at += 5;
                        return Boolean.FALSE;
                    }
                    if (text.startsWith("null", at)) {
                        at += 4;
                        return null;
                    }
                    int start = at;
                    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                        at++;
                    }
                    if (start == at) {
                        throw error("unexpected '" + c + "'");
                    }
                    return new Number(text.substring(start, at));
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> out.append(escaped); // " \ /
                }
            }
        }

        private void space() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private boolean peek(char c) {
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("JSON: " + what + " at " + at);
        }
    }
}
