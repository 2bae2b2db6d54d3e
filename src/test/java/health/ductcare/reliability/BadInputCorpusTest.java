package health.ductcare.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import health.ductcare.reliability.BadInputs.Mutation;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * Bad input never gets a 5xx and never changes the store: the FHIR examples that the spec's tooling labels
 * unparseable or invalid (org.linuxforhealth.fhir:fhir-examples indexes each one as OK, PARSE or VALIDATION) and
 * generated mutations of valid seeds. Each refusal is a 4xx with an OperationOutcome in the requested format.
 * Figures go to target/reliability/*.md.
 */
@QuarkusTest
class BadInputCorpusTest {

    private static final List<String> EXAMPLE_INDEXES = List.of("spec-json.txt", "spec-xml.txt", "minimal-json.txt",
            "minimal-xml.txt", "generated-json.txt", "generated-xml.txt", "performance-json.txt");
    private static final Pattern JSON_TYPE = Pattern.compile("\"resourceType\"\\s*:\\s*\"([A-Za-z]+)\"");
    private static final Pattern XML_ROOT = Pattern.compile("<([A-Za-z]+)[\\s/>]");
    /**
     * The spec's few multi-megabyte examples (extension-definitions, valuesets: Bundles of hundreds of conformance
     * resources) each keep the validator busy for minutes; CI leaves them out. Rerun with
     * {@code -Dreliability.examples.max-bytes=20000000} to send them too.
     */
    private static final long MAX_EXAMPLE_BYTES = Long.getLong("reliability.examples.max-bytes", 1024 * 1024);
    private static final Path REPORT_DIR = Path.of("target", "reliability");

    @Inject
    EntityManager entityManager;

    @Inject
    FhirContext context;

    @Test
    void generatedMutationsAreRefusedWith4xxOperationOutcomeAndLeaveTheStoreUnchanged() {
        BadInputs inputs = new BadInputs(context);
        Map<String, String> seedIds = new LinkedHashMap<>();
        for (String type : BadInputs.SEED_TYPES) {
            RawHttp.Answer created = RawHttp.send("POST", "/fhir/" + type, BadInputs.FHIR_JSON, BadInputs.FHIR_JSON,
                    BadInputs.seedJson(type).getBytes(StandardCharsets.UTF_8));
            assertThat(created.status()).as("seed %s must be valid: %s", type, created.text()).isEqualTo(201);
            seedIds.put(type, ((Resource) context.newJsonParser().parseResource(created.text())).getIdPart());
        }
        StoreFingerprint before = StoreFingerprint.take(entityManager);
        OutcomeReport report = new OutcomeReport("Generated bad input (mutations of valid seeds)");
        List<String> problems = new ArrayList<>();

        for (String type : BadInputs.SEED_TYPES) {
            String seedId = seedIds.get(type);
            for (Mutation mutation : inputs.jsonMutations(type, null)) {
                send(report, problems, mutation, "POST", "/fhir/" + type, "json");
            }
            for (Mutation mutation : inputs.jsonMutations(type, seedId)) {
                send(report, problems, mutation, "PUT", "/fhir/" + type + "/" + seedId, "json");
            }
            for (Mutation mutation : inputs.xmlMutations(type, null)) {
                send(report, problems, mutation, "POST", "/fhir/" + type, "xml");
            }
            for (Mutation mutation : inputs.xmlMutations(type, seedId)) {
                send(report, problems, mutation, "PUT", "/fhir/" + type + "/" + seedId, "xml");
            }
        }
        for (Mutation mutation : inputs.brokenTransactionBundles()) {
            send(report, problems, mutation, "POST", "/fhir", "json");
        }
        sendProtocolMistakes(report, problems, seedIds);

        StoreFingerprint after = StoreFingerprint.take(entityManager);
        report.note("Store before: " + before + "; after: " + after + ".");
        report.writeTo(REPORT_DIR.resolve("bad-input-generated.md"));
        report.writeDetailsTo(REPORT_DIR.resolve("bad-input-generated-cases.txt"));
        assertThat(problems).as("answers that were not a 4xx OperationOutcome").isEmpty();
        assertThat(after).as("the store after %d refused writes", report.total()).isEqualTo(before);
        for (Map.Entry<String, String> seed : seedIds.entrySet()) {
            RawHttp.Answer read = RawHttp.send("GET", "/fhir/" + seed.getKey() + "/" + seed.getValue(), null,
                    BadInputs.FHIR_JSON, null);
            assertThat(read.status()).isEqualTo(200);
            Resource stored = (Resource) context.newJsonParser().parseResource(read.text());
            assertThat(stored.getMeta().getVersionId()).as("seed %s untouched", seed.getKey()).isEqualTo("1");
        }
    }

    @Test
    void specExamplesLabelledUnparseableOrInvalidNeverGetA5xx() {
        Map<String, String> labelled = labelledExamples();
        StoreFingerprint before = StoreFingerprint.take(entityManager);
        OutcomeReport report = new OutcomeReport("fhir-examples 5.0.0 labelled PARSE or VALIDATION");
        List<String> problems = new ArrayList<>();
        int accepted = 0;
        long started = System.nanoTime();
        for (Map.Entry<String, String> example : labelled.entrySet()) {
            String path = example.getKey();
            String label = example.getValue();
            byte[] body = exampleBytes(path);
            boolean xml = path.endsWith(".xml");
            if (body == null) {
                report.count(label + " (" + (xml ? "xml" : "json") + ")", "listed in an index but not in the jar");
                continue;
            }
            if (body.length > MAX_EXAMPLE_BYTES) {
                report.count(label + " (" + (xml ? "xml" : "json") + ")", "not sent: over " + MAX_EXAMPLE_BYTES + " bytes");
                report.detail("skipped " + label + " " + path + " (" + body.length + " bytes)");
                continue;
            }
            String type = declaredType(body, xml);
            RawHttp.Answer answer = RawHttp.send("POST", "/fhir/" + type, xml ? BadInputs.FHIR_XML : BadInputs.FHIR_JSON,
                    xml ? BadInputs.FHIR_XML : BadInputs.FHIR_JSON, body);
            String category = label + " (" + (xml ? "xml" : "json") + ")";
            report.detail(answer.status() + " " + label + " " + path);
            if (answer.status() == 201) {
                accepted++;
                report.count(category, "accepted by the R4 validator (201)");
                continue;
            }
            String problem = problemWithRefusal(answer, xml ? "xml" : "json");
            if (problem != null) {
                problems.add(path + ": " + problem);
                report.count(category, "FAILED " + answer.status());
            } else {
                report.count(category, answer.status() == 404 ? "404 (no such R4 type)" : String.valueOf(answer.status()));
            }
        }
        StoreFingerprint after = StoreFingerprint.take(entityManager);
        report.note(labelled.size() + " distinct examples labelled PARSE or VALIDATION across " + EXAMPLE_INDEXES
                + " (the examples are R4B, so some types do not exist in R4); "
                + (System.nanoTime() - started) / 1_000_000_000 + " s.");
        report.note("Accepted ones carry labels from another validator (IBM FHIR's); HAPI's R4 validator finds no"
                + " error in them, so they are stored: the store grew by exactly that many version-1 resources.");
        report.writeTo(REPORT_DIR.resolve("bad-input-fhir-examples.md"));
        report.writeDetailsTo(REPORT_DIR.resolve("bad-input-fhir-examples-cases.txt"));
        assertThat(problems).as("examples answered with a 5xx or a malformed refusal").isEmpty();
        assertThat(after.sameCountsAs(before.plusCreated(accepted)))
                .as("store before %s, after %s, %d accepted", before, after, accepted).isTrue();
    }

    // ------------------------------------------------------------------ helpers

    private void send(OutcomeReport report, List<String> problems, Mutation mutation, String method, String path,
            String acceptFormat) {
        String accept = acceptFormat.equals("xml") ? BadInputs.FHIR_XML : BadInputs.FHIR_JSON;
        String label = method + " " + path + " [" + mutation.category() + ": " + mutation.name() + "]";
        RawHttp.Answer answer;
        try {
            answer = RawHttp.send(method, path, mutation.contentType(), accept, mutation.body());
        } catch (IllegalStateException e) {
            problems.add(label + ": " + e.getMessage());
            report.count(mutation.category(), "FAILED no answer");
            return;
        }
        String problem = problemWithRefusal(answer, acceptFormat);
        if (problem != null) {
            problems.add(label + ": " + problem);
            report.count(mutation.category(), "FAILED " + answer.status());
        } else {
            report.count(mutation.category(), String.valueOf(answer.status()));
        }
        report.detail(answer.status() + " " + label);
    }

    private void sendProtocolMistakes(OutcomeReport report, List<String> problems, Map<String, String> seedIds) {
        byte[] patient = BadInputs.seedJson("Patient").getBytes(StandardCharsets.UTF_8);
        String patientId = seedIds.get("Patient");
        byte[] patientWithOtherId = BadInputs.seedTree("Patient", "someone-else").toString().getBytes(StandardCharsets.UTF_8);
        byte[] patientWithId = BadInputs.seedTree("Patient", patientId).toString().getBytes(StandardCharsets.UTF_8);
        String json = BadInputs.FHIR_JSON;
        sendWithHeaders(report, problems, "unknown type", "POST", "/fhir/Banana", json, patient);
        sendWithHeaders(report, problems, "update without id in body", "PUT", "/fhir/Patient/" + patientId, json, patient);
        sendWithHeaders(report, problems, "update with another id in body", "PUT", "/fhir/Patient/" + patientId, json,
                patientWithOtherId);
        sendWithHeaders(report, problems, "If-Match of a stale version", "PUT", "/fhir/Patient/" + patientId, json,
                patientWithId, "If-Match", "W/\"7\"");
        sendWithHeaders(report, problems, "If-Match not an ETag", "PUT", "/fhir/Patient/" + patientId, json,
                patientWithId, "If-Match", "banana");
        sendWithHeaders(report, problems, "If-Match for a resource that does not exist", "PUT",
                "/fhir/Patient/never-created", json,
                BadInputs.seedTree("Patient", "never-created").toString().getBytes(StandardCharsets.UTF_8),
                "If-Match", "W/\"1\"");
        sendWithHeaders(report, problems, "delete with a stale If-Match", "DELETE", "/fhir/Patient/" + patientId, null,
                null, "If-Match", "W/\"9\"");
        sendWithHeaders(report, problems, "_format not FHIR", "POST", "/fhir/Patient?_format=banana", json, patient);
        sendWithHeaders(report, problems, "Accept not FHIR (error answered as JSON)", "POST", "/fhir/Patient", json,
                "{".getBytes(StandardCharsets.UTF_8), "Accept-Override", "image/png");
    }

    private void sendWithHeaders(OutcomeReport report, List<String> problems, String name, String method, String path,
            String contentType, byte[] body, String... headers) {
        String accept = BadInputs.FHIR_JSON;
        List<String> extra = new ArrayList<>();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i].equals("Accept-Override")) {
                accept = headers[i + 1];
            } else {
                extra.add(headers[i]);
                extra.add(headers[i + 1]);
            }
        }
        RawHttp.Answer answer = RawHttp.send(method, path, contentType, accept, body, extra.toArray(String[]::new));
        String problem = problemWithRefusal(answer, "json");
        String label = method + " " + path + " [protocol: " + name + "]";
        if (problem != null) {
            problems.add(label + ": " + problem);
            report.count("protocol", "FAILED " + answer.status());
        } else {
            report.count("protocol", String.valueOf(answer.status()));
        }
    }

    /** Null when the answer is a 4xx carrying an OperationOutcome with an error in the expected format. */
    private String problemWithRefusal(RawHttp.Answer answer, String expectedFormat) {
        if (answer.status() < 400 || answer.status() > 499) {
            return "status " + answer.status() + " (expected 4xx): " + excerpt(answer.text());
        }
        String mediaType = expectedFormat.equals("xml") ? BadInputs.FHIR_XML : BadInputs.FHIR_JSON;
        if (!answer.contentType().startsWith(mediaType)) {
            return "status " + answer.status() + " with Content-Type '" + answer.contentType() + "' (expected "
                    + mediaType + "): " + excerpt(answer.text());
        }
        try {
            IParser parser = expectedFormat.equals("xml") ? context.newXmlParser() : context.newJsonParser();
            IBaseResource parsed = parser.parseResource(answer.text());
            if (!(parsed instanceof OperationOutcome outcome)) {
                return "status " + answer.status() + " with a " + parsed.getClass().getSimpleName() + " body";
            }
            boolean hasError = outcome.getIssue().stream().anyMatch(issue ->
                    issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                            || issue.getSeverity() == OperationOutcome.IssueSeverity.FATAL);
            return hasError ? null : "status " + answer.status() + " with an OperationOutcome without an error issue";
        } catch (RuntimeException e) {
            return "status " + answer.status() + " with a body that is not an OperationOutcome: " + excerpt(answer.text());
        }
    }

    private static String excerpt(String text) {
        String flat = text.replaceAll("\\s+", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    /** Path to label of every example labelled PARSE or VALIDATION in the jar's index files. */
    private static Map<String, String> labelledExamples() {
        Map<String, String> labelled = new LinkedHashMap<>();
        for (String index : EXAMPLE_INDEXES) {
            try (InputStream in = BadInputCorpusTest.class.getResourceAsStream("/" + index)) {
                assertThat(in).as("index %s in fhir-examples", index).isNotNull();
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                        .map(String::trim).filter(line -> !line.isEmpty())
                        .map(line -> line.split("\\s+", 2))
                        .filter(parts -> parts.length == 2 && !parts[0].equals("OK"))
                        .forEach(parts -> labelled.putIfAbsent(parts[1], parts[0]));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return labelled;
    }

    private static byte[] exampleBytes(String path) {
        try (InputStream in = BadInputCorpusTest.class.getResourceAsStream("/" + path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The type the example claims to be, so it goes to that type's endpoint; Basic when it names none. */
    private static String declaredType(byte[] body, boolean xml) {
        String head = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
        if (xml) {
            head = head.replaceAll("(?s)<\\?.*?\\?>", "").replaceAll("(?s)<!--.*?-->", "");
        }
        Matcher matcher = (xml ? XML_ROOT : JSON_TYPE).matcher(head);
        return matcher.find() ? matcher.group(1) : "Basic";
    }
}
