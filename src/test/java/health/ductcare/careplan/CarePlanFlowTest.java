package health.ductcare.careplan;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import health.ductcare.fhir.FhirValidation;
import health.ductcare.testsupport.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.CarePlan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The care-plan lifecycle over HTTP: diagnoses and antibiotics in, minute-exact CarePlans out, following the
 * data as it changes. The clinic runs in UTC, 08:00-18:00 daily (the shipped protocol).
 */
@QuarkusTest
class CarePlanFlowTest {

    private static final String FHIR_JSON = "application/fhir+json";
    /** When the tests' data is planned: the diagnoses are recorded at this instant. */
    static final Instant PLANNED_AT = Instant.parse("2025-03-03T10:00:00Z");

    @Inject
    FhirValidation validation;

    @Inject
    FhirContext context;

    @Inject
    TestClock clock;

    @BeforeEach
    void planAtTheDiagnosisTime() {
        clock.setNow(PLANNED_AT);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static String newPatient() {
        return given().contentType(FHIR_JSON)
                .body("{\"resourceType\":\"Patient\",\"gender\":\"female\"}")
                .when().post("/fhir/Patient").then().statusCode(201).extract().path("id");
    }

    static String blockedDuct(String patientId, String recorded) {
        return """
                {"resourceType":"Condition",
                 "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
                 "verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}]},
                 "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"O92.79"}],"text":"Blocked milk duct, left breast"},
                 "subject":{"reference":"Patient/%s"},
                 "recordedDate":"%s"}""".formatted(patientId, recorded);
    }

    static String mastitis(String patientId, String recorded, String clinicalStatus) {
        return """
                {"resourceType":"Condition",
                 "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"%s"}]},
                 "verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}]},
                 "code":{"coding":[{"system":"http://snomed.info/sct","code":"1287638006"},
                                   {"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"O91.23"}]},
                 "subject":{"reference":"Patient/%s"},
                 "recordedDate":"%s"}""".formatted(clinicalStatus, patientId, recorded);
    }

    static String cephalexin(String patientId, String authoredOn) {
        return """
                {"resourceType":"MedicationRequest","status":"active","intent":"order",
                 "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"309114"}],
                                              "text":"cephalexin 500 MG Oral Capsule"},
                 "subject":{"reference":"Patient/%s"},
                 "authoredOn":"%s"}""".formatted(patientId, authoredOn);
    }

    static String post(String type, String body) {
        return given().contentType(FHIR_JSON).body(body).when().post("/fhir/" + type)
                .then().statusCode(201).extract().path("id");
    }

    static JsonPath carePlansOf(String patientId) {
        return given().queryParam("patient", "Patient/" + patientId).when().get("/fhir/CarePlan")
                .then().statusCode(200).extract().jsonPath();
    }

    static Map<String, Object> activity(JsonPath plan, String key) {
        List<Map<String, Object>> activities = plan.getList("activity");
        return activities.stream()
                .filter(a -> ((List<Map<String, Object>>) a.get("extension")).stream()
                        .anyMatch(e -> key.equals(e.get("valueString"))))
                .findFirst().orElseThrow(() -> new AssertionError("no activity " + key));
    }

    @SuppressWarnings("unchecked")
    static String start(JsonPath plan, String key) {
        Map<String, Object> detail = (Map<String, Object>) activity(plan, key).get("detail");
        return (String) ((Map<String, Object>) detail.get("scheduledPeriod")).get("start");
    }

    @SuppressWarnings("unchecked")
    static String end(JsonPath plan, String key) {
        Map<String, Object> detail = (Map<String, Object>) activity(plan, key).get("detail");
        return (String) ((Map<String, Object>) detail.get("scheduledPeriod")).get("end");
    }

    void assertValid(String carePlanJson) {
        CarePlan plan = context.newJsonParser().parseResource(CarePlan.class, carePlanJson);
        assertThat(validation.validate(plan).getMessages())
                .filteredOn(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .isEmpty();
    }

    @Test
    void blockedDuctGetsAnActivePlanTimedToTheMinute() {
        String patient = newPatient();
        String condition = post("Condition", blockedDuct(patient, "2025-03-03T10:00:00Z"));

        JsonPath bundle = carePlansOf(patient);
        assertThat(bundle.getInt("total")).isEqualTo(1);
        JsonPath plan = new JsonPath(given().when().get("/fhir/CarePlan/careplan-" + condition)
                .then().statusCode(200).extract().asString());
        assertThat(plan.getString("status")).isEqualTo("active");
        assertThat(plan.getString("intent")).isEqualTo("plan");
        assertThat(plan.getString("subject.reference")).isEqualTo("Patient/" + patient);
        assertThat(plan.getString("addresses[0].reference")).isEqualTo("Condition/" + condition);
        assertThat(plan.getList("instantiatesCanonical"))
                .containsExactly("https://ductcare.health/fhir/PlanDefinition/blocked-duct-pt|1.0.0");
        assertThat(start(plan, "s1-moist-heat")).as("not before the diagnosis").isEqualTo("2025-03-03T10:00:00Z");
        assertThat(end(plan, "s1-moist-heat")).isEqualTo("2025-03-03T10:10:00Z");
        assertThat(start(plan, "s1-ultrasound")).isEqualTo("2025-03-03T10:10:00Z");
        assertThat(start(plan, "s1-trial-feed-or-pump")).isEqualTo(end(plan, "s1-postural-exercise-hydration"));
        assertThat(start(plan, "s2-ultrasound")).isEqualTo("2025-03-04T10:10:00Z");
        assertThat(plan.getString("text.status")).isEqualTo("generated");
        assertValid(plan.prettify());
    }

    @Test
    void aDiagnosisThatArrivesLateKeepsTheTimesTheRulesGiveAndSaysWhichSessionsToArrange() {
        clock.setNow(Instant.parse("2025-03-03T10:00:00Z"));
        String onTime = post("Condition", blockedDuct(newPatient(), "2025-03-03T10:00:00Z"));
        JsonPath onTimePlan = new JsonPath(given().when().get("/fhir/CarePlan/careplan-" + onTime)
                .then().statusCode(200).body("status", equalTo("active")).extract().asString());

        clock.setNow(Instant.parse("2025-03-06T10:00:00Z"));
        String threeDaysLate = post("Condition", blockedDuct(newPatient(), "2025-03-03T10:00:00Z"));
        JsonPath latePlan = new JsonPath(given().when().get("/fhir/CarePlan/careplan-" + threeDaysLate)
                .then().statusCode(200).body("status", equalTo("active")).extract().asString());

        assertThat(latePlan.getList("activity.detail.scheduledPeriod.start", String.class))
                .as("times follow the diagnosis, not the arrival").isNotEmpty()
                .isEqualTo(onTimePlan.getList("activity.detail.scheduledPeriod.start", String.class));
        assertThat(onTimePlan.getString("note.text.join(' ')")).doesNotContain("SESSION_DUE_UNRECORDED");
        assertThat(latePlan.getList("note.text", String.class)).filteredOn(t -> t.contains("SESSION_DUE_UNRECORDED"))
                .hasSize(3).first().asString().startsWith("WARNING")
                .contains("Session 1 is due at " + start(onTimePlan, "s1-ultrasound"))
                .contains("arrange it as soon as possible");
        assertThat(latePlan.getString("note.text.join(' ')")).doesNotContain("WINDOW_MISSED");
        assertValid(latePlan.prettify());
    }

    @Test
    void infectedPlanWaitsForAntibioticsThenStarts24HoursAfterIt() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        String planUrl = "/fhir/CarePlan/careplan-" + condition;

        String onHold = given().when().get(planUrl).then().statusCode(200)
                .body("status", equalTo("on-hold"))
                .body("activity[0].detail.scheduledPeriod", nullValue())
                .extract().asString();
        assertValid(onHold);

        String antibiotic = post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z"));
        JsonPath active = new JsonPath(given().when().get(planUrl).then().statusCode(200)
                .body("status", equalTo("active"))
                .body("meta.versionId", equalTo("2"))
                .extract().asString());
        assertThat(start(active, "s1-ultrasound")).isEqualTo("2025-03-04T12:00:00Z");
        assertThat(start(active, "s1-moist-heat")).isEqualTo("2025-03-04T11:50:00Z");
        assertThat(active.getList("supportingInfo.reference", String.class))
                .contains("MedicationRequest/" + antibiotic);
        assertValid(active.prettify());

        given().contentType(FHIR_JSON).body(mastitis(patient, "2025-03-03T10:00:00Z", "resolved")
                        .replace("{\"resourceType\":\"Condition\",", "{\"resourceType\":\"Condition\",\"id\":\"" + condition + "\","))
                .when().put("/fhir/Condition/" + condition).then().statusCode(200);
        String completed = given().when().get(planUrl).then().statusCode(200)
                .body("status", equalTo("completed")).extract().asString();
        assertValid(completed);
        given().when().get(planUrl + "/_history").then().statusCode(200).body("total", equalTo(3));
    }

    @Test
    void deletingTheDiagnosisRevokesThePlanAndNeverDuplicatesIt() {
        String patient = newPatient();
        String condition = post("Condition", blockedDuct(patient, "2025-03-03T10:00:00Z"));
        given().when().delete("/fhir/Condition/" + condition).then().statusCode(200);
        given().when().get("/fhir/CarePlan/careplan-" + condition).then().statusCode(200)
                .body("status", equalTo("revoked"));
        assertThat(carePlansOf(patient).getInt("total")).isEqualTo(1);
    }

    @Test
    void diagnosesOutsideTheProtocolGetNoPlan() {
        String patient = newPatient();
        String ambiguous = blockedDuct(patient, "2025-03-03T10:00:00Z").replace("Blocked milk duct, left breast", "Engorgement");
        String condition = post("Condition", ambiguous);
        given().when().get("/fhir/CarePlan/careplan-" + condition).then().statusCode(404);
    }

    @Test
    void generateIsStatelessAndExplainsWhenItMakesNoPlan() {
        String bundle = """
                {"resourceType":"Bundle","type":"collection","entry":[
                  {"fullUrl":"urn:uuid:%s","resource":%s}]}""".formatted(UUID.randomUUID(),
                blockedDuct("gen-" + UUID.randomUUID(), "2025-03-03T10:00:00Z"));
        String plan = given().contentType(FHIR_JSON).body(bundle).when().post("/fhir/CarePlan/$generate")
                .then().statusCode(200)
                .body("resourceType", equalTo("CarePlan"))
                .body("status", equalTo("active"))
                .body("id", nullValue())
                .extract().asString();
        assertValid(plan);
        assertThat(new JsonPath(plan).getString("activity.find { it.extension[0].valueString == 's1-ultrasound' }"
                + ".detail.scheduledPeriod.start")).isEqualTo("2025-03-03T10:10:00Z");

        String ineligible = bundle.replace("Blocked milk duct, left breast", "Engorgement");
        given().contentType(FHIR_JSON).body(ineligible).when().post("/fhir/CarePlan/$generate")
                .then().statusCode(422).body("resourceType", equalTo("OperationOutcome"))
                .body("issue.code", hasItem("business-rule"));
    }

    @Test
    void generateWithPersistStoresTheInputsAndThePlanInOneGo() {
        String patientUrl = "urn:uuid:" + UUID.randomUUID();
        String bundle = """
                {"resourceType":"Bundle","type":"collection","entry":[
                  {"fullUrl":"%s","resource":{"resourceType":"Patient","gender":"female"}},
                  {"fullUrl":"urn:uuid:%s","resource":%s},
                  {"fullUrl":"urn:uuid:%s","resource":%s}]}""".formatted(patientUrl,
                UUID.randomUUID(), mastitis("X", "2025-03-03T10:00:00Z", "active").replace("Patient/X", patientUrl),
                UUID.randomUUID(), cephalexin("X", "2025-03-03T12:00:00Z").replace("Patient/X", patientUrl));
        JsonPath plan = new JsonPath(given().contentType(FHIR_JSON).queryParam("persist", "true").body(bundle)
                .when().post("/fhir/CarePlan/$generate")
                .then().statusCode(200)
                .body("status", equalTo("active"))
                .body("meta.versionId", equalTo("2"))
                .extract().asString());
        String patientReference = plan.getString("subject.reference");
        assertThat(patientReference).startsWith("Patient/").doesNotContain("urn:");
        given().when().get("/fhir/CarePlan/" + plan.getString("id")).then().statusCode(200);
        given().when().get("/fhir/" + plan.getString("addresses[0].reference")).then().statusCode(200);
        assertThat(start(plan, "s1-ultrasound")).isEqualTo("2025-03-04T12:00:00Z");

        String ineligible = bundle.replace("\"1287638006\"", "\"83620003\"").replace("\"O91.23\"", "\"N61.0\"");
        given().contentType(FHIR_JSON).queryParam("persist", "true").body(ineligible)
                .when().post("/fhir/CarePlan/$generate").then().statusCode(422);
    }

    @Test
    void persistingGenerateForAStoredConditionStoresTheNewFactsAndAnswersItsReplannedPlan() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        String parameters = """
                {"resourceType":"Parameters","parameter":[
                  {"name":"condition","valueReference":{"reference":"Condition/%s"}},
                  {"name":"resource","resource":%s}]}""".formatted(condition, cephalexin(patient, "2025-03-03T12:00:00Z"));

        JsonPath plan = new JsonPath(given().contentType(FHIR_JSON).queryParam("persist", "true").body(parameters)
                .when().post("/fhir/CarePlan/$generate")
                .then().statusCode(200).body("resourceType", equalTo("CarePlan"))
                .body("status", equalTo("active")).extract().asString());
        assertThat(plan.getString("id")).isEqualTo("careplan-" + condition);
        assertThat(start(plan, "s1-ultrasound")).isEqualTo("2025-03-04T12:00:00Z");
        given().queryParam("subject", "Patient/" + patient).when().get("/fhir/MedicationRequest")
                .then().statusCode(200).body("total", equalTo(1));
        JsonPath stored = new JsonPath(given().when().get("/fhir/CarePlan/careplan-" + condition).then()
                .statusCode(200).extract().asString());
        assertThat(start(stored, "s1-ultrasound")).isEqualTo("2025-03-04T12:00:00Z");
        assertThat(stored.getString("meta.versionId")).isEqualTo(plan.getString("meta.versionId"));

        // Nothing to store: the answer is the plan already stored.
        String referenceOnly = """
                {"resourceType":"Parameters","parameter":[{"name":"condition","valueReference":{"reference":"Condition/%s"}}]}"""
                .formatted(condition);
        given().contentType(FHIR_JSON).queryParam("persist", "true").body(referenceOnly)
                .when().post("/fhir/CarePlan/$generate").then().statusCode(200)
                .body("meta.versionId", equalTo(stored.getString("meta.versionId")));
    }

    @Test
    void generateForAStoredConditionUsesThePatientsStoredAntibioticsAsTheStoredPlanDoes() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        String parameters = """
                {"resourceType":"Parameters","parameter":[{"name":"condition","valueReference":{"reference":"Condition/%s"}}]}"""
                .formatted(condition);
        given().contentType(FHIR_JSON).body(parameters).when().post("/fhir/CarePlan/$generate")
                .then().statusCode(200).body("status", equalTo("on-hold"));

        post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z"));
        JsonPath generated = new JsonPath(given().contentType(FHIR_JSON).body(parameters)
                .when().post("/fhir/CarePlan/$generate").then().statusCode(200)
                .body("status", equalTo("active")).extract().asString());
        JsonPath stored = new JsonPath(given().when().get("/fhir/CarePlan/careplan-" + condition).then()
                .statusCode(200).extract().asString());
        assertThat(start(generated, "s1-ultrasound")).isEqualTo("2025-03-04T12:00:00Z")
                .isEqualTo(start(stored, "s1-ultrasound"));
        given().when().get("/fhir/OperationDefinition/CarePlan-generate").then().statusCode(200)
                .body("parameter.name", hasItem("condition"));
    }

    @Test
    void generateIgnoresAnAntibioticOfAnotherPatient() {
        String patient = newPatient();
        String otherPatient = newPatient();
        String bundle = """
                {"resourceType":"Bundle","type":"collection","entry":[
                  {"fullUrl":"urn:uuid:%s","resource":%s},
                  {"fullUrl":"urn:uuid:%s","resource":%s}]}""".formatted(UUID.randomUUID(),
                mastitis(patient, "2025-03-03T10:00:00Z", "active"), UUID.randomUUID(),
                cephalexin(otherPatient, "2025-03-03T12:00:00Z"));
        given().contentType(FHIR_JSON).body(bundle).when().post("/fhir/CarePlan/$generate")
                .then().statusCode(200).body("status", equalTo("on-hold"));
        // Another server's Patient of the same id is another patient; this server's URL of her is her.
        String elsewhere = bundle.replace("Patient/" + otherPatient, "http://example.org/fhir/Patient/" + patient);
        given().contentType(FHIR_JSON).body(elsewhere).when().post("/fhir/CarePlan/$generate")
                .then().statusCode(200).body("status", equalTo("on-hold"));
        String own = bundle.replace("Patient/" + otherPatient,
                RestAssured.baseURI + ":" + RestAssured.port + "/fhir/Patient/" + patient);
        given().contentType(FHIR_JSON).body(own).when().post("/fhir/CarePlan/$generate")
                .then().statusCode(200).body("status", equalTo("active"));
    }

    @Test
    void applyUsesThePatientsStoredDataAndStoresNothing() {
        String patient = newPatient();
        post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        String parameters = """
                {"resourceType":"Parameters","parameter":[{"name":"subject","valueString":"Patient/%s"}]}"""
                .formatted(patient);
        given().contentType(FHIR_JSON).body(parameters).when().post("/fhir/PlanDefinition/blocked-duct-pt/$apply")
                .then().statusCode(200)
                .body("resourceType", equalTo("CarePlan"))
                .body("status", equalTo("on-hold"));
        given().contentType(FHIR_JSON).body(parameters).when().post("/fhir/PlanDefinition/blocked-duct-pt-abm36/$apply")
                .then().statusCode(200)
                .body("instantiatesCanonical[0]", containsString("abm36"));
        given().contentType(FHIR_JSON).body(parameters).when().post("/fhir/PlanDefinition/unknown/$apply")
                .then().statusCode(404);
    }

    @Test
    void protocolArtefactsAreServedReadOnly() {
        given().when().get("/fhir/PlanDefinition/blocked-duct-pt").then().statusCode(200)
                .body("version", equalTo("1.0.0"));
        given().when().get("/fhir/ActivityDefinition").then().statusCode(200)
                .body("total", not(equalTo(0)));
        given().when().get("/fhir/OperationDefinition/CarePlan-generate").then().statusCode(200);
        String planDefinition = given().when().get("/fhir/PlanDefinition/blocked-duct-pt").then().extract().asString();
        given().contentType(FHIR_JSON).body(planDefinition).when().put("/fhir/PlanDefinition/blocked-duct-pt")
                .then().statusCode(405).body("resourceType", equalTo("OperationOutcome"));
        given().when().delete("/fhir/PlanDefinition/blocked-duct-pt").then().statusCode(405);
        given().when().get("/fhir/PlanDefinition/blocked-duct-pt").then().statusCode(200)
                .body("meta.versionId", equalTo("1"));
        given().when().get("/fhir/metadata").then().statusCode(200)
                .body("rest[0].resource.find { it.type == 'CarePlan' }.operation.name", hasItem("generate"))
                .body("rest[0].resource.find { it.type == 'PlanDefinition' }.operation.name", hasItem("apply"));
    }

    @Test
    void readinessReportsTheProtocol() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body(containsString("blocked-duct-pt|1.0.0"));
    }
}
