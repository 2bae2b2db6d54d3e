package health.ductcare.reliability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Many clients writing the same resource at once: versioned updates have one winner per version and the rest get
 * 412, unconditional updates all land as contiguous versions, creates never collide, and racing update-as-creates
 * of one new id make one resource. Nothing is lost and nothing answers 5xx. Figures go to
 * target/reliability/concurrency.md.
 */
@QuarkusTest
class ConcurrencyTest {

    private static final String FHIR_JSON = "application/fhir+json";
    private static final int CLIENTS = 20;
    private static final OutcomeReport REPORT = new OutcomeReport("Concurrent clients");

    @AfterAll
    static void writeReport() {
        REPORT.writeTo(java.nio.file.Path.of("target", "reliability", "concurrency.md"));
    }

    @Test
    void ifMatchUpdatesOfOneVersionHaveExactlyOneWinnerAndNoUpdateIsLost() throws Exception {
        String id = create(patient(null, "start"));
        int rounds = 5;
        List<String> winners = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            int expectedVersion = round;
            List<Response> answers = inParallel(CLIENTS, client -> given().contentType(FHIR_JSON).accept(FHIR_JSON)
                    .header("If-Match", "W/\"" + expectedVersion + "\"")
                    .body(patient(id, "round-" + expectedVersion + "-client-" + client))
                    .put("/fhir/Patient/" + id));
            Map<Integer, Long> statuses = countStatuses(answers);
            statuses.forEach((status, n) -> REPORT.count("If-Match PUT, " + CLIENTS + " clients x " + rounds + " rounds",
                    String.valueOf(status), n));
            assertThat(statuses).as("round %d", round).isEqualTo(Map.of(200, 1L, 412, (long) CLIENTS - 1));
            Response winner = answers.stream().filter(a -> a.statusCode() == 200).findFirst().orElseThrow();
            assertThat(winner.header("ETag")).isEqualTo("W/\"" + (round + 1) + "\"");
            winners.add(givenName(winner.asString()));
            answers.stream().filter(a -> a.statusCode() == 412).forEach(a ->
                    assertThat(a.jsonPath().getString("resourceType")).isEqualTo("OperationOutcome"));
        }
        Response current = given().accept(FHIR_JSON).get("/fhir/Patient/" + id);
        assertThat(current.jsonPath().getString("meta.versionId")).isEqualTo(String.valueOf(rounds + 1));
        for (int version = 2; version <= rounds + 1; version++) {
            String stored = given().accept(FHIR_JSON).get("/fhir/Patient/" + id + "/_history/" + version).asString();
            assertThat(givenName(stored)).as("version %d holds the winner of its round", version)
                    .isEqualTo(winners.get(version - 2));
        }
        REPORT.note("If-Match: " + rounds + " rounds of " + CLIENTS + " clients on one version: one 200 and "
                + (CLIENTS - 1) + " 412 each round; every winner's body is the version it was told it made.");
    }

    @Test
    void unconditionalUpdatesAllLandAsContiguousVersions() throws Exception {
        String id = create(patient(null, "start"));
        int writesPerClient = 5;
        List<Response> answers = inParallel(CLIENTS, client -> {
            List<Response> mine = new ArrayList<>();
            for (int i = 0; i < writesPerClient; i++) {
                mine.add(given().contentType(FHIR_JSON).accept(FHIR_JSON)
                        .body(patient(id, "client-" + client + "-write-" + i)).put("/fhir/Patient/" + id));
            }
            return mine;
        }).stream().flatMap(List::stream).toList();
        Map<Integer, Long> statuses = countStatuses(answers);
        statuses.forEach((status, n) -> REPORT.count("unconditional PUT, " + CLIENTS + " clients x " + writesPerClient,
                String.valueOf(status), n));
        assertThat(statuses).isEqualTo(Map.of(200, (long) CLIENTS * writesPerClient));

        Set<String> acknowledgedVersions = answers.stream().map(a -> a.header("ETag")).collect(Collectors.toSet());
        assertThat(acknowledgedVersions).as("every write was told a different version").hasSize(CLIENTS * writesPerClient);
        Map<Integer, String> history = history("Patient", id);
        int last = CLIENTS * writesPerClient + 1;
        assertThat(history.keySet()).as("versions 1..%d, no gap, no duplicate", last)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, last).boxed().toList());
        for (Response answer : answers) {
            int version = Integer.parseInt(answer.header("ETag").replaceAll("[^0-9]", ""));
            assertThat(history.get(version)).as("version %d", version).isEqualTo(givenName(answer.asString()));
        }
        REPORT.note("Unconditional PUT: " + CLIENTS * writesPerClient + " writes by " + CLIENTS + " clients became"
                + " versions 2.." + last + ", each holding what its writer was acknowledged.");
    }

    @Test
    void parallelCreatesMakeDistinctResources() throws Exception {
        int creates = 40;
        List<Response> answers = inParallel(creates, client -> given().contentType(FHIR_JSON).accept(FHIR_JSON)
                .body(patient(null, "create-" + client)).post("/fhir/Patient"));
        Map<Integer, Long> statuses = countStatuses(answers);
        statuses.forEach((status, n) -> REPORT.count("parallel POST, " + creates + " clients", String.valueOf(status), n));
        assertThat(statuses).isEqualTo(Map.of(201, (long) creates));
        Set<String> ids = answers.stream().map(a -> a.jsonPath().getString("id")).collect(Collectors.toSet());
        assertThat(ids).hasSize(creates);
        for (Response answer : answers) {
            String stored = given().accept(FHIR_JSON).get("/fhir/Patient/" + answer.jsonPath().getString("id")).asString();
            assertThat(givenName(stored)).isEqualTo(givenName(answer.asString()));
        }
    }

    @Test
    void racingUpdateAsCreateOfOneNewIdMakesOneResourceAndNo5xx() throws Exception {
        String id = "race-" + UUID.randomUUID();
        List<Response> answers = inParallel(CLIENTS, client -> given().contentType(FHIR_JSON).accept(FHIR_JSON)
                .body(patient(id, "racer-" + client)).put("/fhir/Patient/" + id));
        Map<Integer, Long> statuses = countStatuses(answers);
        statuses.forEach((status, n) -> REPORT.count("update-as-create of one new id, " + CLIENTS + " clients",
                String.valueOf(status), n));
        assertThat(statuses.get(201)).as("exactly one creates: %s", statuses).isEqualTo(1L);
        assertThat(statuses.keySet()).as("the others update or are told of the conflict").isSubsetOf(Set.of(200, 201, 409));
        long succeeded = statuses.getOrDefault(200, 0L) + 1;
        Map<Integer, String> history = history("Patient", id);
        assertThat(history).as("one version per 2xx answer").hasSize((int) succeeded);
        assertThat(history.keySet()).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, (int) succeeded).boxed().toList());
    }

    /**
     * Needs the search branch (race-free conditional create). 20 clients POST the same Patient with
     * {@code If-None-Exist: identifier=urn:race|<one value>}: exactly one 201; every other answer is 200 with the
     * same id (or 412 if more than one matched, which must not happen here); afterwards a search by that identifier
     * finds exactly one Patient at version 1.
     */
    @Test
    void parallelConditionalCreatesMakeOneResource() throws Exception {
        String value = UUID.randomUUID().toString();
        String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:race\",\"value\":\"" + value + "\"}]}";
        List<Response> answers = inParallel(CLIENTS, client -> given().contentType(FHIR_JSON).accept(FHIR_JSON)
                .header("If-None-Exist", "identifier=urn:race|" + value).body(body).post("/fhir/Patient"));
        Map<Integer, Long> statuses = countStatuses(answers);
        statuses.forEach((status, n) -> REPORT.count("conditional create, " + CLIENTS + " clients", String.valueOf(status), n));
        assertThat(statuses).isEqualTo(Map.of(201, 1L, 200, (long) CLIENTS - 1));
        assertThat(answers.stream().map(a -> a.jsonPath().getString("id")).distinct().count()).isEqualTo(1);
        JsonPath found = given().accept(FHIR_JSON).get("/fhir/Patient?identifier=urn:race|" + value).jsonPath();
        assertThat(found.getInt("total")).isEqualTo(1);
        assertThat(found.getString("entry[0].resource.meta.versionId")).isEqualTo("1");
    }

    /**
     * Needs the engine branch (a CarePlan generated per blocked-duct Condition). Three feeds (Conditions,
     * MedicationRequests, Observations) write for one patient in parallel, several writes each, including updates
     * of the Condition; afterwards there is exactly one CarePlan per Condition ({@code CarePlan?addresses}), its
     * history has contiguous versions, and its final content (activities, period, status; ignoring id, meta,
     * subject) equals what a sequential replay of the same inputs for a fresh patient produces.
     */

    // ------------------------------------------------------------------ helpers

    private static String create(String body) {
        return given().contentType(FHIR_JSON).accept(FHIR_JSON).body(body).post("/fhir/Patient")
                .then().statusCode(201).extract().path("id");
    }

    private static String patient(String id, String marker) {
        return "{\"resourceType\":\"Patient\"" + (id == null ? "" : ",\"id\":\"" + id + "\"")
                + ",\"active\":true,\"name\":[{\"family\":\"Concurrent\",\"given\":[\"" + marker + "\"]}]}";
    }

    private static String givenName(String json) {
        return JsonPath.from(json).getString("name[0].given[0]");
    }

    /** Version number to given name, from the instance history (one page of up to 1000). */
    static Map<Integer, String> history(String type, String id) {
        Map<Integer, String> versions = new TreeMap<>();
        JsonPath bundle = given().accept(FHIR_JSON).queryParam("_count", 1000)
                .get("/fhir/" + type + "/" + id + "/_history").jsonPath();
        int entries = bundle.getList("entry").size();
        for (int i = 0; i < entries; i++) {
            int version = Integer.parseInt(bundle.getString("entry[" + i + "].resource.meta.versionId"));
            String previous = versions.put(version, bundle.getString("entry[" + i + "].resource.name[0].given[0]"));
            assertThat(previous).as("version %d listed once", version).isNull();
        }
        return versions;
    }

    private static Map<Integer, Long> countStatuses(List<Response> answers) {
        return answers.stream().collect(Collectors.groupingBy(Response::statusCode, TreeMap::new, Collectors.counting()));
    }

    interface Client<T> {
        T call(int client) throws Exception;
    }

    /** Runs one call per client, all released at once, and waits for every answer. */
    static <T> List<T> inParallel(int clients, Client<T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int client = i;
                Callable<T> task = () -> {
                    start.await();
                    return work.call(client);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(5, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
