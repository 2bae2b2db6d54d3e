package health.ductcare.careplan;

import static health.ductcare.careplan.CarePlanFlowTest.blockedDuct;
import static health.ductcare.careplan.CarePlanFlowTest.cephalexin;
import static health.ductcare.careplan.CarePlanFlowTest.mastitis;
import static health.ductcare.careplan.CarePlanFlowTest.newPatient;
import static health.ductcare.careplan.CarePlanFlowTest.post;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import health.ductcare.fhir.FhirValidation;
import health.ductcare.mapping.CarePlanMapper;
import health.ductcare.testsupport.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import org.hl7.fhir.r4.model.CarePlan;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plans follow their inputs through edits, cancellations, re-coding and concurrent feeds. */
@QuarkusTest
class CarePlanLifecycleTest {

    private static final String FHIR_JSON = "application/fhir+json";

    @Inject
    TestClock clock;

    @Inject
    FhirValidation validation;

    @BeforeEach
    void planAtTheDiagnosisTime() {
        clock.setNow(CarePlanFlowTest.PLANNED_AT);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static String withId(String body, String id) {
        return body.replaceFirst("\\{\"resourceType\":\"(\\w+)\",", "{\"resourceType\":\"$1\",\"id\":\"" + id + "\",");
    }

    @Test
    void clinicianEditOfAnActivityStatusSurvivesReplanning() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z"));
        String planUrl = "/fhir/CarePlan/careplan-" + condition;
        String plan = given().when().get(planUrl).then().statusCode(200).extract().asString();

        // The therapist records the first ultrasound as done.
        assertThat(activityStatus(plan, "s1-ultrasound")).isEqualTo("scheduled");
        String completedBody = replaceActivityStatus(plan, "s1-ultrasound", "completed");
        given().contentType(FHIR_JSON).body(completedBody).when().put(planUrl).then().statusCode(200);

        // A second antibiotic arrives: the plan is recomputed, the clinician's status stays.
        post("MedicationRequest", cephalexin(patient, "2025-03-03T13:00:00Z"));
        String replanned = given().when().get(planUrl).then().statusCode(200).body("meta.versionId", equalTo("4"))
                .extract().asString();
        assertThat(activityStatus(replanned, "s1-ultrasound")).isEqualTo("completed");
        assertThat(activityStatus(replanned, "s1-manual-therapy")).isEqualTo("scheduled");
    }

    @Test
    void aSessionDueBeforeNowThatNobodyRecordedKeepsItsTimeAndSaysSo() {
        String patient = newPatient();
        String condition = post("Condition", blockedDuct(patient, "2025-03-03T10:00:00Z"));
        String planUrl = "/fhir/CarePlan/careplan-" + condition;
        given().when().get(planUrl).then().statusCode(200).body(
                "activity.find { it.extension[0].valueString == 's1-ultrasound' }.detail.scheduledPeriod.start",
                equalTo("2025-03-03T10:10:00Z"));

        clock.setNow(Instant.parse("2025-03-04T09:00:00Z"));
        post("MedicationRequest", cephalexin(patient, "2025-03-04T09:00:00Z")
                .replace("309114", "198440").replace("cephalexin 500 MG Oral Capsule", "acetaminophen 500 MG Oral Tablet"));

        String replanned = given().when().get(planUrl).then().statusCode(200).body("meta.versionId", equalTo("2"))
                .extract().asString();
        assertThat(activityStart(replanned, "s1-moist-heat")).isEqualTo("2025-03-03T10:00:00Z");
        assertThat(activityStart(replanned, "s1-ultrasound")).isEqualTo("2025-03-03T10:10:00Z");
        assertThat(activityStart(replanned, "s2-ultrasound")).isEqualTo("2025-03-04T10:10:00Z");
        assertThat(parse(replanned).getNote()).extracting(n -> n.getText())
                .noneMatch(t -> t.contains("UNRECORDED_SESSION_MOVED"))
                .filteredOn(t -> t.contains("SESSION_DUE_UNRECORDED")).singleElement().asString()
                .contains("Session 1 is due at 2025-03-03T10:10:00Z");
    }

    @Test
    void aCompletedFirstSessionStaysAndTheNextFollowItWhenAnAntibioticArrivesLate() {
        String patient = newPatient();
        String condition = post("Condition", blockedDuct(patient, "2025-03-03T10:00:00Z"));
        String planUrl = "/fhir/CarePlan/careplan-" + condition;
        clock.setNow(Instant.parse("2025-03-03T12:00:00Z"));
        CarePlan recorded = parse(given().when().get(planUrl).then().statusCode(200).extract().asString());
        recorded.getActivity().stream().filter(a -> CarePlanMapper.activityKey(a).startsWith("s1-"))
                .forEach(a -> a.getDetail().setStatus(CarePlan.CarePlanActivityStatus.COMPLETED));
        given().contentType(FHIR_JSON).body(FhirContext.forR4Cached().newJsonParser().encodeResourceToString(recorded))
                .when().put(planUrl).then().statusCode(200);

        // A day later the infection is found: 24 h on the antibiotic ends after the 48-hour deadline (2025-03-05T10:00Z).
        clock.setNow(Instant.parse("2025-03-04T11:00:00Z"));
        post("MedicationRequest", cephalexin(patient, "2025-03-04T11:00:00Z"));

        String replanned = given().when().get(planUrl).then().statusCode(200).body("status", equalTo("active"))
                .extract().asString();
        assertThat(activityStatus(replanned, "s1-ultrasound")).isEqualTo("completed");
        assertThat(activityStart(replanned, "s1-moist-heat")).isEqualTo("2025-03-03T10:00:00Z");
        assertThat(activityStart(replanned, "s1-ultrasound")).isEqualTo("2025-03-03T10:10:00Z");
        assertThat(activityStart(replanned, "s2-ultrasound")).as("after 24 h on the antibiotic, no day skipped")
                .isEqualTo("2025-03-05T11:00:00Z");
        assertThat(activityStart(replanned, "s3-ultrasound")).isEqualTo("2025-03-06T11:00:00Z");
        List<String> notes = parse(replanned).getNote().stream().map(n -> n.getText()).toList();
        assertThat(notes).as("session 1 met the window").noneMatch(t -> t.contains("WINDOW_MISSED"));
        assertThat(notes).as("session 2 was due at 10:10 and is not recorded").filteredOn(
                t -> t.contains("UNRECORDED_SESSION_MOVED")).singleElement().asString()
                .contains("Session 2 was due at 2025-03-04T10:10:00Z").contains("planned again at 2025-03-05T11:00:00Z");
        assertThat(validation.validate(parse(replanned)).getMessages())
                .filteredOn(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .isEmpty();
    }

    @Test
    void aResolvedConditionThatComesBackIsPlannedAgainKeepingWhatWasDone() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z"));
        String planUrl = "/fhir/CarePlan/careplan-" + condition;
        String plan = given().when().get(planUrl).then().statusCode(200).extract().asString();
        given().contentType(FHIR_JSON).body(replaceActivityStatus(plan, "s1-ultrasound", "completed"))
                .when().put(planUrl).then().statusCode(200);

        given().contentType(FHIR_JSON).body(withId(mastitis(patient, "2025-03-03T10:00:00Z", "resolved"), condition))
                .when().put("/fhir/Condition/" + condition).then().statusCode(200);
        String closed = given().when().get(planUrl).then().statusCode(200).body("status", equalTo("completed"))
                .extract().asString();
        assertThat(activityStatus(closed, "s1-manual-therapy")).isEqualTo("cancelled");

        given().contentType(FHIR_JSON).body(withId(mastitis(patient, "2025-03-03T10:00:00Z", "active"), condition))
                .when().put("/fhir/Condition/" + condition).then().statusCode(200);
        String reopened = given().when().get(planUrl).then().statusCode(200).body("status", equalTo("active"))
                .extract().asString();
        assertThat(activityStatus(reopened, "s1-ultrasound")).isEqualTo("completed");
        assertThat(activityStatus(reopened, "s1-manual-therapy")).isEqualTo("scheduled");
        assertThat(activityStatus(reopened, "s2-ultrasound")).isEqualTo("scheduled");
    }

    @Test
    void anInputThatChangesNothingStoresNoNewPlanVersion() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z"));
        String planUrl = "/fhir/CarePlan/careplan-" + condition;
        String before = given().when().get(planUrl).then().statusCode(200).extract().path("meta.versionId");

        clock.advance(Duration.ofSeconds(1)); // a later planning time, which the notes' times would show
        post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z")
                .replace("309114", "198440").replace("cephalexin 500 MG Oral Capsule", "acetaminophen 500 MG Oral Tablet"));

        given().when().get(planUrl).then().statusCode(200).body("meta.versionId", equalTo(before));
    }

    @Test
    void aPlanStatusAClinicianSetSurvivesReplanningUntilTheProtocolClosesThePlan() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z"));
        String planUrl = "/fhir/CarePlan/careplan-" + condition;
        String plan = given().when().get(planUrl).then().statusCode(200).body("status", equalTo("active"))
                .extract().asString();
        given().contentType(FHIR_JSON).body(plan.replace("\"status\":\"active\",\"intent\"",
                        "\"status\":\"on-hold\",\"intent\"")).when().put(planUrl)
                .then().statusCode(200).body("status", equalTo("on-hold"));

        post("MedicationRequest", cephalexin(patient, "2025-03-03T13:00:00Z"));
        given().when().get(planUrl).then().statusCode(200).body("status", equalTo("on-hold"))
                .body("note.text.join(' ')", containsString("PLAN_STATUS_KEPT"));

        given().contentType(FHIR_JSON).body(withId(mastitis(patient, "2025-03-03T10:00:00Z", "resolved"), condition))
                .when().put("/fhir/Condition/" + condition).then().statusCode(200);
        given().when().get(planUrl).then().statusCode(200).body("status", equalTo("completed"));
    }

    @Test
    void cancelledAntibioticPutsThePlanBackOnHold() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        String antibiotic = post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z"));
        String planUrl = "/fhir/CarePlan/careplan-" + condition;
        given().when().get(planUrl).then().body("status", equalTo("active"));

        String cancelled = withId(cephalexin(patient, "2025-03-03T12:00:00Z").replace("\"status\":\"active\"",
                "\"status\":\"cancelled\""), antibiotic);
        given().contentType(FHIR_JSON).body(cancelled).when().put("/fhir/MedicationRequest/" + antibiotic)
                .then().statusCode(200);
        given().when().get(planUrl).then().statusCode(200).body("status", equalTo("on-hold"));

        given().when().delete("/fhir/MedicationRequest/" + antibiotic).then().statusCode(200);
        given().when().get(planUrl).then().statusCode(200).body("status", equalTo("on-hold"));
    }

    @Test
    void recodingAsAbscessRevokesThePlanWithAReferral() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        String abscess = withId(mastitis(patient, "2025-03-03T10:00:00Z", "active")
                .replace("\"code\":\"1287638006\"", "\"code\":\"10745131000119107\"")
                .replace("\"code\":\"O91.23\"", "\"code\":\"O91.13\""), condition);
        given().contentType(FHIR_JSON).body(abscess).when().put("/fhir/Condition/" + condition).then().statusCode(200);
        given().when().get("/fhir/CarePlan/careplan-" + condition).then().statusCode(200)
                .body("status", equalTo("revoked"))
                .body("note.text.join(' ')", containsString("refer"));
    }

    @Test
    void concurrentFeedsForOnePatientEndInTheSequentialResult() throws Exception {
        String patient = newPatient();
        // Future dates: sessions not yet begun may move, so the sequential result does not depend on the order in
        // which the feeds commit (activities already under way keep their times, by design).
        String first = post("Condition", mastitis(patient, "2030-03-03T10:00:00Z", "active"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String body = i % 2 == 0 ? cephalexin(patient, "2030-03-03T1" + i + ":00:00Z")
                        : mastitis(patient, "2030-03-0" + (3 + i % 3) + "T09:00:00Z", "active");
                String type = i % 2 == 0 ? "MedicationRequest" : "Condition";
                answers.add(pool.submit(() -> given().contentType(FHIR_JSON).body(body).when().post("/fhir/" + type)
                        .statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(201);
            }
        } finally {
            pool.shutdown();
        }
        JsonPath conditions = new JsonPath(given().queryParam("patient", "Patient/" + patient).queryParam("_count", 100)
                .when().get("/fhir/Condition").then().statusCode(200).extract().asString());
        JsonPath plans = new JsonPath(given().queryParam("patient", "Patient/" + patient).queryParam("_count", 100)
                .when().get("/fhir/CarePlan").then().statusCode(200).extract().asString());
        assertThat(plans.getInt("total")).isEqualTo(conditions.getInt("total")).isEqualTo(5);
        // Every plan saw every antibiotic: the earliest (10:00) + 24 h decides, whatever order the feeds committed in.
        for (Object status : plans.getList("entry.resource.status")) {
            assertThat(status).isEqualTo("active");
        }
        assertThat(plans.getList("entry.resource.supportingInfo.reference.flatten()", String.class)
                .stream().filter(r -> r.startsWith("MedicationRequest/")).count()).isGreaterThanOrEqualTo(5);
        given().when().get("/fhir/CarePlan/careplan-" + first).then().statusCode(200)
                .body("activity.find { it.extension[0].valueString == 's1-ultrasound' }.detail.scheduledPeriod.start",
                        equalTo("2030-03-04T10:00:00Z"));
    }

    @Test
    void aClinicianRecordingASessionWhileAntibioticsArriveKeepsWhatSheRecorded() throws Exception {
        // Re-planning reads a plan without locking it and locks it only to change it: a clinician's write that
        // lands in between must be planned from, never overwritten by a plan made from the version before it.
        for (int round = 0; round < 5; round++) {
            String patient = newPatient();
            String condition = post("Condition", mastitis(patient, "2030-03-03T10:00:00Z", "active"));
            post("MedicationRequest", cephalexin(patient, "2030-03-03T20:00:00Z"));
            String planUrl = "/fhir/CarePlan/careplan-" + condition;
            String plan = given().when().get(planUrl).then().statusCode(200).extract().asString();
            String recorded = replaceActivityStatus(plan, "s1-ultrasound", "completed");
            ExecutorService pool = Executors.newFixedThreadPool(7);
            try {
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    // each starts earlier than the ones before, so each moves the sessions still to come
                    String body = cephalexin(patient, "2030-03-03T1" + (9 - i) + ":00:00Z");
                    answers.add(pool.submit(() -> given().contentType(FHIR_JSON).body(body)
                            .when().post("/fhir/MedicationRequest").statusCode()));
                    if (i == 2) {
                        answers.add(pool.submit(() -> given().contentType(FHIR_JSON).body(recorded)
                                .when().put(planUrl).statusCode()));
                    }
                }
                for (Future<Integer> answer : answers) {
                    assertThat(answer.get()).isIn(200, 201);
                }
            } finally {
                pool.shutdown();
            }
            String last = given().when().get(planUrl).then().statusCode(200).extract().asString();
            assertThat(activityStatus(last, "s1-ultrasound")).as("round %d", round).isEqualTo("completed");
        }
    }

    private static CarePlan parse(String json) {
        return FhirContext.forR4Cached().newJsonParser().parseResource(CarePlan.class, json);
    }

    private static CarePlan.CarePlanActivityComponent activity(CarePlan plan, String key) {
        return plan.getActivity().stream().filter(a -> key.equals(CarePlanMapper.activityKey(a))).findFirst()
                .orElseThrow(() -> new AssertionError("no activity " + key));
    }

    private static String activityStart(String planJson, String key) {
        return activity(parse(planJson), key).getDetail().getScheduledPeriod().getStartElement().getValueAsString();
    }

    private static String activityStatus(String planJson, String key) {
        return activity(parse(planJson), key).getDetail().getStatus().toCode();
    }

    private static String replaceActivityStatus(String planJson, String key, String status) {
        CarePlan plan = parse(planJson);
        activity(plan, key).getDetail().setStatus(CarePlan.CarePlanActivityStatus.fromCode(status));
        return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(plan);
    }
}
