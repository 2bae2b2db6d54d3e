package health.ductcare.careplan;

import static health.ductcare.careplan.CarePlanFlowTest.blockedDuct;
import static health.ductcare.careplan.CarePlanFlowTest.cephalexin;
import static health.ductcare.careplan.CarePlanFlowTest.mastitis;
import static health.ductcare.careplan.CarePlanFlowTest.newPatient;
import static health.ductcare.careplan.CarePlanFlowTest.post;
import static health.ductcare.careplan.CarePlanLifecycleTest.withId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import health.ductcare.mapping.CarePlanMapper;
import health.ductcare.testsupport.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * For the same stored facts at the same time, the CarePlan the service stores for a Condition, the one
 * {@code POST CarePlan/$generate} makes for that stored Condition ({@code condition} parameter) and the one
 * {@code PlanDefinition/$apply} makes for its patient agree: activities (key, codes, scheduled times, status), plan
 * status, notes (code and text; their times aside), supporting information and the Condition addressed. Every
 * check runs at the instant of the last write, since a plan is only recomputed when its inputs are written.
 */
@QuarkusTest
class CarePlanFactsAgreementTest {

    private static final String FHIR_JSON = "application/fhir+json";
    private static final Pattern IDENTITY = Pattern.compile("^\\{\"resourceType\":\"(\\w+)\",\"id\":\"([^\"]+)\"");
    private static final Pattern NOTE_CODE = Pattern.compile("^(?:INFO|WARNING) \\((\\w+)\\): ");

    @Inject
    TestClock clock;

    @BeforeEach
    void planAtTheDiagnosisTime() {
        clock.setNow(CarePlanFlowTest.PLANNED_AT);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** What the three paths must agree on. */
    record PlanView(String status, String subject, List<String> addresses, List<String> activities,
            List<String> noteCodes, List<String> notes, List<String> supportingInfo) {
    }

    static PlanView view(String carePlanJson) {
        CarePlan plan = FhirContext.forR4Cached().newJsonParser().parseResource(CarePlan.class, carePlanJson);
        List<String> activities = new ArrayList<>();
        for (CarePlan.CarePlanActivityComponent activity : plan.getActivity()) {
            CarePlan.CarePlanActivityDetailComponent detail = activity.getDetail();
            Period when = detail.hasScheduledPeriod() ? detail.getScheduledPeriod()
                    : detail.hasScheduledTiming() ? detail.getScheduledTiming().getRepeat().getBoundsPeriod() : null;
            activities.add(CarePlanMapper.activityKey(activity) + " "
                    + detail.getCode().getCoding().stream().map(c -> c.getSystem() + "|" + c.getCode()).toList()
                    + " " + (when == null ? null : when.getStartElement().getValueAsString())
                    + ".." + (when == null ? null : when.getEndElement().getValueAsString())
                    + " " + (detail.hasStatus() ? detail.getStatus().toCode() : null));
        }
        List<String> notes = plan.getNote().stream().map(n -> n.getText()).toList();
        return new PlanView(plan.getStatus().toCode(), plan.getSubject().getReference(),
                plan.getAddresses().stream().map(Reference::getReference).toList(), activities,
                notes.stream().map(CarePlanFactsAgreementTest::noteCode).toList(), notes,
                plan.getSupportingInfo().stream().map(Reference::getReference).toList());
    }

    private static String noteCode(String text) {
        Matcher code = NOTE_CODE.matcher(text);
        return code.find() ? code.group(1) : text;
    }

    static String storedPlan(String conditionId) {
        return given().when().get("/fhir/CarePlan/careplan-" + conditionId).then().statusCode(200)
                .extract().asString();
    }

    static Response generate(String conditionId, String... inlineParts) {
        StringBuilder parameters = new StringBuilder("{\"resourceType\":\"Parameters\",\"parameter\":["
                + "{\"name\":\"condition\",\"valueReference\":{\"reference\":\"Condition/" + conditionId + "\"}}");
        for (String part : inlineParts) {
            parameters.append(',').append(part);
        }
        return given().contentType(FHIR_JSON).body(parameters.append("]}").toString())
                .when().post("/fhir/CarePlan/$generate");
    }

    static Response apply(String patientId, String... inlineParts) {
        StringBuilder parameters = new StringBuilder("{\"resourceType\":\"Parameters\",\"parameter\":["
                + "{\"name\":\"subject\",\"valueString\":\"Patient/" + patientId + "\"}");
        for (String part : inlineParts) {
            parameters.append(',').append(part);
        }
        return given().contentType(FHIR_JSON).body(parameters.append("]}").toString())
                .when().post("/fhir/PlanDefinition/blocked-duct-pt/$apply");
    }

    /**
     * A {@code data} Bundle part holding the given resources, each with its fullUrl: this server's URL of a resource
     * with an id, else a {@code urn:uuid}.
     */
    static String data(String... resources) {
        StringBuilder bundle = new StringBuilder("{\"name\":\"data\",\"resource\":{\"resourceType\":\"Bundle\","
                + "\"type\":\"collection\",\"entry\":[");
        for (int i = 0; i < resources.length; i++) {
            Matcher identity = IDENTITY.matcher(resources[i]);
            String fullUrl = identity.find() ? RestAssured.baseURI + ":" + RestAssured.port + "/fhir/"
                    + identity.group(1) + "/" + identity.group(2) : "urn:uuid:" + UUID.randomUUID();
            bundle.append(i == 0 ? "" : ",").append("{\"fullUrl\":\"").append(fullUrl).append("\",\"resource\":")
                    .append(resources[i]).append('}');
        }
        return bundle.append("]}}").toString();
    }

    /** The body of a 200 answer; any other fails with the answer shown. */
    static String ok(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return response.asString();
    }

    static String resourcePart(String resource) {
        return "{\"name\":\"resource\",\"resource\":" + resource + "}";
    }

    /** The stored plan of the Condition, which $generate and $apply must both reproduce; returned for more checks. */
    static PlanView assertAllAgree(String patientId, String conditionId) {
        PlanView stored = view(storedPlan(conditionId));
        Response generated = generate(conditionId);
        assertThat(generated.statusCode()).as(generated.asString()).isEqualTo(200);
        assertThat(view(generated.asString())).as("$generate for Condition/" + conditionId).isEqualTo(stored);
        Response applied = apply(patientId);
        assertThat(applied.statusCode()).as(applied.asString()).isEqualTo(200);
        assertThat(view(applied.asString())).as("$apply for Patient/" + patientId).isEqualTo(stored);
        return stored;
    }

    /** The plan without its notes of one code. */
    static PlanView without(PlanView plan, String noteCode) {
        return new PlanView(plan.status(), plan.subject(), plan.addresses(), plan.activities(),
                plan.noteCodes().stream().filter(c -> !c.equals(noteCode)).toList(),
                plan.notes().stream().filter(n -> !noteCode.equals(noteCode(n))).toList(), plan.supportingInfo());
    }

    static String start(PlanView plan, String key) {
        return plan.activities().stream().filter(a -> a.startsWith(key + " ")).findFirst()
                .map(a -> a.split(" ")[a.split(" ").length - 2].split("\\.\\.")[0])
                .orElseThrow(() -> new AssertionError("no activity " + key));
    }

    /** A lactational breast abscess (SNOMED US 10745131000119107, ICD-10-CM O91.13) as its own Condition. */
    static String abscess(String patientId, String verificationStatus) {
        return mastitis(patientId, "2025-03-03T09:00:00Z", "active")
                .replace("\"code\":\"1287638006\"", "\"code\":\"10745131000119107\"")
                .replace("\"code\":\"O91.23\"", "\"code\":\"O91.13\"")
                .replace("\"code\":\"confirmed\"", "\"code\":\"" + verificationStatus + "\"");
    }

    static String temperature(String patientId, String effective, String celsius, String status) {
        return """
                {"resourceType":"Observation","status":"%s",
                 "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
                 "code":{"coding":[{"system":"http://loinc.org","code":"8310-5","display":"Body temperature"}]},
                 "subject":{"reference":"Patient/%s"},
                 "effectiveDateTime":"%s",
                 "valueQuantity":{"value":%s,"unit":"Cel","system":"http://unitsofmeasure.org","code":"Cel"}}"""
                .formatted(status, patientId, effective, celsius);
    }

    static void put(String type, String id, String body) {
        given().contentType(FHIR_JSON).body(withId(body, id)).when().put("/fhir/" + type + "/" + id)
                .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
    }

    // ------------------------------------------------------------ scenarios that diverged before one loader

    @Test
    void anAntibioticNamedOnlyByAStoredMedicationCountsEverywhere() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        String medication = post("Medication", """
                {"resourceType":"Medication","code":{"coding":[{"system":"http://www.whocc.no/atc","code":"J01DB01"}]}}""");
        post("MedicationRequest", """
                {"resourceType":"MedicationRequest","status":"active","intent":"order",
                 "medicationReference":{"reference":"Medication/%s"},
                 "subject":{"reference":"Patient/%s"},"authoredOn":"2025-03-03T12:00:00Z"}""".formatted(medication, patient));

        PlanView plan = assertAllAgree(patient, condition);
        assertThat(plan.status()).isEqualTo("active");
        assertThat(start(plan, "s1-ultrasound")).isEqualTo("2025-03-04T12:00:00Z");
    }

    @Test
    void anActiveAbscessOfThePatientStopsThePlanEverywhere() {
        String patient = newPatient();
        String condition = post("Condition", blockedDuct(patient, "2025-03-03T10:00:00Z"));
        String abscess = post("Condition", abscess(patient, "confirmed"));

        PlanView stored = view(storedPlan(condition));
        assertThat(stored.status()).isEqualTo("revoked");
        assertThat(stored.noteCodes()).contains("ABSCESS_REFER");
        Response generated = generate(condition);
        assertThat(generated.statusCode()).as(generated.asString()).isEqualTo(200);
        assertThat(view(generated.asString())).isEqualTo(stored);
        // $apply answers with the plan of an eligible diagnosis; there is none, and it says why, as the plan does.
        String referral = stored.notes().stream().filter(n -> n.contains("ABSCESS_REFER")).findFirst().orElseThrow()
                .replaceFirst("^WARNING \\(ABSCESS_REFER\\): ", "");
        Response applied = apply(patient);
        assertThat(applied.statusCode()).isEqualTo(422);
        assertThat(applied.jsonPath().getList("issue.diagnostics", String.class)).contains(referral);
        assertThat(referral).contains("Condition/" + abscess);
    }

    @Test
    void aDiagnosisWithoutADateIsTimedFromWhenItWasReceivedEverywhere() {
        String patient = newPatient();
        String condition = post("Condition", blockedDuct(patient, "2025-03-03T10:00:00Z")
                .replace(",\n \"recordedDate\":\"2025-03-03T10:00:00Z\"", ""));
        // Two hours later something is written for her that re-plans without changing the facts of the diagnosis.
        clock.setNow(Instant.parse("2025-03-03T12:00:00Z"));
        post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z")
                .replace("309114", "198440").replace("cephalexin 500 MG Oral Capsule", "acetaminophen 500 MG Oral Tablet"));

        PlanView plan = assertAllAgree(patient, condition);
        assertThat(start(plan, "s1-moist-heat")).as("from when the Condition was received")
                .isEqualTo("2025-03-03T10:00:00Z");
        assertThat(plan.noteCodes()).contains("SESSION_DUE_UNRECORDED");
    }

    @Test
    void aSessionAClinicianRecordedStaysAsRecordedEverywhere() {
        String patient = newPatient();
        String condition = post("Condition", blockedDuct(patient, "2025-03-03T10:00:00Z"));
        clock.setNow(Instant.parse("2025-03-03T12:00:00Z"));
        CarePlan recorded = FhirContext.forR4Cached().newJsonParser().parseResource(CarePlan.class,
                storedPlan(condition));
        recorded.getActivity().stream().filter(a -> CarePlanMapper.activityKey(a).startsWith("s1-"))
                .forEach(a -> a.getDetail().setStatus(CarePlan.CarePlanActivityStatus.COMPLETED));
        given().contentType(FHIR_JSON).body(FhirContext.forR4Cached().newJsonParser().encodeResourceToString(recorded))
                .when().put("/fhir/CarePlan/careplan-" + condition).then().statusCode(200);

        clock.setNow(Instant.parse("2025-03-04T11:00:00Z"));
        post("MedicationRequest", cephalexin(patient, "2025-03-04T11:00:00Z"));

        PlanView stored = view(storedPlan(condition));
        assertThat(start(stored, "s1-ultrasound")).isEqualTo("2025-03-03T10:10:00Z");
        assertThat(start(stored, "s2-ultrasound")).isEqualTo("2025-03-05T11:00:00Z");
        assertThat(stored.noteCodes()).contains("PRIOR_ACTIVITY_KEPT", "UNRECORDED_SESSION_MOVED");
        // That note tells what the antibiotic's write changed (session 2 moved from its earlier time); planned again
        // from the stored plan, as the operations do and as the next write would, nothing moves any more.
        PlanView recomputed = without(stored, "UNRECORDED_SESSION_MOVED");
        assertThat(view(ok(generate(condition)))).isEqualTo(recomputed);
        assertThat(view(ok(apply(patient)))).isEqualTo(recomputed);
    }

    @Test
    void twoAntibioticsStartingTogetherNameTheSameOneEverywhere() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        // Stored first, but sorted last by id.
        String first = "zz-" + UUID.randomUUID();
        String second = "aa-" + UUID.randomUUID();
        put("MedicationRequest", first, cephalexin(patient, "2025-03-03T12:00:00Z"));
        put("MedicationRequest", second, cephalexin(patient, "2025-03-03T12:00:00Z"));

        PlanView plan = assertAllAgree(patient, condition);
        assertThat(plan.supportingInfo()).containsExactly("MedicationRequest/" + first);
    }

    @Test
    void anInlineAntibioticOfAnotherPatientIsIgnoredEverywhere() {
        String patient = newPatient();
        String otherPatient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        String othersAntibiotic = cephalexin(otherPatient, "2025-03-03T12:00:00Z");

        PlanView stored = view(storedPlan(condition));
        assertThat(stored.status()).isEqualTo("on-hold");
        assertThat(view(ok(generate(condition, data(othersAntibiotic))))).isEqualTo(stored);
        assertThat(view(ok(apply(patient, data(othersAntibiotic))))).isEqualTo(stored);
    }

    @Test
    void anInlineResourceWithAStoredIdStandsForThatResourceChangedSo() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        String antibiotic = post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z"));
        assertThat(view(storedPlan(condition)).status()).isEqualTo("active");
        String enteredInErrorBody = cephalexin(patient, "2025-03-03T12:00:00Z")
                .replace("\"status\":\"active\"", "\"status\":\"entered-in-error\"");
        String enteredInError = withId(enteredInErrorBody, antibiotic);

        PlanView previewed = view(ok(generate(condition, resourcePart(enteredInError))));
        PlanView appliedPreview = view(ok(apply(patient, data(enteredInError))));
        assertThat(previewed.status()).isEqualTo("on-hold");
        assertThat(appliedPreview).isEqualTo(previewed);

        put("MedicationRequest", antibiotic, enteredInErrorBody);
        PlanView stored = assertAllAgree(patient, condition);
        assertThat(stored).as("the preview is what storing the change made").isEqualTo(previewed);
    }

    @Test
    void aConditionNamingItsPatientByThisServersUrlUsesHerStoredAntibiotic() {
        String patient = newPatient();
        post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z"));
        String absolute = RestAssured.baseURI + ":" + RestAssured.port + "/fhir/Patient/" + patient;
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active")
                .replace("\"Patient/" + patient + "\"", "\"" + absolute + "\""));

        PlanView stored = view(storedPlan(condition));
        assertThat(stored.status()).isEqualTo("active");
        assertThat(view(ok(generate(condition)))).isEqualTo(stored);
    }

    @Test
    void anAntibioticNamingThePatientByThisServersUrlReleasesTheOnHoldPlan() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        assertThat(assertAllAgree(patient, condition).status()).isEqualTo("on-hold");
        String absolute = ownBase() + "/Patient/" + patient;
        String antibiotic = post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z")
                .replace("\"Patient/" + patient + "\"", "\"" + absolute + "\""));

        PlanView stored = assertAllAgree(patient, condition);
        assertThat(stored.status()).isEqualTo("active");
        for (String subject : List.of("Patient/" + patient, patient, absolute)) {
            assertThat(given().queryParam("subject", subject).when().get("/fhir/MedicationRequest")
                    .then().statusCode(200).extract().jsonPath().getList("entry.resource.id", String.class))
                    .as(subject).containsExactly(antibiotic);
        }
        assertThat(given().queryParam("patient", patient).when().get("/fhir/MedicationRequest")
                .then().statusCode(200).extract().jsonPath().getList("entry.resource.id", String.class))
                .containsExactly(antibiotic);
    }

    @Test
    void anotherServersPatientOfTheSameIdIsNotThePatient() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        String foreign = "http://other.example/fhir/Patient/" + patient;
        String theirs = post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z")
                .replace("\"Patient/" + patient + "\"", "\"" + foreign + "\""));

        assertThat(assertAllAgree(patient, condition).status()).isEqualTo("on-hold");
        assertThat(given().queryParam("subject", "Patient/" + patient).when().get("/fhir/MedicationRequest")
                .then().statusCode(200).extract().jsonPath().getList("entry.resource.id", String.class)).isEmpty();
        assertThat(given().queryParam("subject", foreign).when().get("/fhir/MedicationRequest")
                .then().statusCode(200).extract().jsonPath().getList("entry.resource.id", String.class))
                .containsExactly(theirs);

        // A Condition of that other server's patient is not planned from our patient's antibiotic either: the
        // service keeps no plan for a patient it does not hold, and $generate plans it from no stored facts.
        post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z"));
        assertThat(assertAllAgree(patient, condition).status()).isEqualTo("active");
        String theirCondition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active")
                .replace("\"Patient/" + patient + "\"", "\"" + foreign + "\""));
        given().when().get("/fhir/CarePlan/careplan-" + theirCondition).then().statusCode(404);
        PlanView theirPlan = view(ok(generate(theirCondition)));
        assertThat(theirPlan.status()).isEqualTo("on-hold");
        assertThat(theirPlan.subject()).isEqualTo(foreign);
        assertThat(view(storedPlan(condition)).status()).isEqualTo("active");
        // $apply plans for a patient of this server only.
        given().contentType(FHIR_JSON).body("""
                {"resourceType":"Parameters","parameter":[{"name":"subject","valueString":"%s"}]}""".formatted(foreign))
                .when().post("/fhir/PlanDefinition/blocked-duct-pt/$apply").then().statusCode(400);
    }

    /** This server's base URL, as a client reaching it in the tests writes it. */
    static String ownBase() {
        return RestAssured.baseURI + ":" + RestAssured.port + "/fhir";
    }

    @Test
    void aPersistingGenerateChecksTheDiagnosisAgainstThePatientsStoredAbscess() {
        String patient = newPatient();
        String abscess = post("Condition", abscess(patient, "confirmed"));
        String bundle = """
                {"resourceType":"Bundle","type":"collection","entry":[
                  {"fullUrl":"urn:uuid:%s","resource":%s}]}""".formatted(UUID.randomUUID(),
                blockedDuct(patient, "2025-03-03T10:00:00Z"));

        // Stored, the diagnosis would get no plan (the abscess stops it): so nothing is stored, and the answer says why.
        Response persisted = given().contentType(FHIR_JSON).queryParam("persist", "true").body(bundle)
                .when().post("/fhir/CarePlan/$generate");
        assertThat(persisted.statusCode()).as(persisted.asString()).isEqualTo(422);
        assertThat(persisted.jsonPath().getString("issue.diagnostics.join(' ')")).contains("Condition/" + abscess);
        assertThat(given().queryParam("patient", "Patient/" + patient).when().get("/fhir/Condition")
                .then().statusCode(200).extract().<Integer>path("total")).isEqualTo(1);
        // Without persist the Bundle is a preview of what it holds alone.
        given().contentType(FHIR_JSON).body(bundle).when().post("/fhir/CarePlan/$generate").then().statusCode(200);
    }

    // ------------------------------------------------------------ regression guards

    @Test
    void anAntibioticActiveThenStoppedThenEnteredInErrorThenDeleted() {
        String patient = newPatient();
        String condition = post("Condition", mastitis(patient, "2025-03-03T10:00:00Z", "active"));
        assertThat(assertAllAgree(patient, condition).status()).isEqualTo("on-hold");
        String antibiotic = post("MedicationRequest", cephalexin(patient, "2025-03-03T12:00:00Z"));
        PlanView active = assertAllAgree(patient, condition);
        assertThat(active.status()).isEqualTo("active");
        assertThat(start(active, "s1-ultrasound")).isEqualTo("2025-03-04T12:00:00Z");

        for (String status : List.of("stopped", "entered-in-error")) {
            put("MedicationRequest", antibiotic, cephalexin(patient, "2025-03-03T12:00:00Z")
                    .replace("\"status\":\"active\"", "\"status\":\"" + status + "\""));
            PlanView plan = assertAllAgree(patient, condition);
            assertThat(plan.status()).as(status).isEqualTo("on-hold");
            assertThat(plan.noteCodes()).contains("ANTIBIOTIC_IGNORED", "AWAITING_ANTIBIOTIC");
        }
        given().when().delete("/fhir/MedicationRequest/" + antibiotic).then().statusCode(200);
        PlanView deleted = assertAllAgree(patient, condition);
        assertThat(deleted.noteCodes()).doesNotContain("ANTIBIOTIC_IGNORED");
    }

    @Test
    void aFeverMakesABlockedDuctWaitForAnAntibioticEverywhere() {
        String patient = newPatient();
        String condition = post("Condition", blockedDuct(patient, "2025-03-03T10:00:00Z"));
        assertThat(assertAllAgree(patient, condition).status()).isEqualTo("active");
        post("Observation", temperature(patient, "2025-03-03T09:30:00Z", "38.4", "final"));
        post("Observation", temperature(patient, "2025-03-03T09:00:00Z", "38.9", "entered-in-error"));
        PlanView onHold = assertAllAgree(patient, condition);
        assertThat(onHold.status()).isEqualTo("on-hold");
        assertThat(onHold.noteCodes()).contains("INFECTION", "TEMPERATURE_IGNORED", "AWAITING_ANTIBIOTIC");

        clock.setNow(Instant.parse("2025-03-03T13:00:00Z"));
        post("MedicationRequest", cephalexin(patient, "2025-03-03T13:00:00Z"));
        PlanView active = assertAllAgree(patient, condition);
        assertThat(active.status()).isEqualTo("active");
        assertThat(start(active, "s1-ultrasound")).isEqualTo("2025-03-04T13:00:00Z");
    }

    @Test
    void anAbscessEnteredInErrorNoLongerStopsThePlanEverywhere() {
        String patient = newPatient();
        String condition = post("Condition", blockedDuct(patient, "2025-03-03T10:00:00Z"));
        String abscess = post("Condition", abscess(patient, "confirmed"));
        assertThat(view(storedPlan(condition)).status()).isEqualTo("revoked");
        // R4 (con-5): a Condition entered in error carries no clinical status.
        put("Condition", abscess, abscess(patient, "entered-in-error")
                .replaceFirst("\"clinicalStatus\":\\{[^}]*\\}\\]\\},", ""));
        assertThat(assertAllAgree(patient, condition).status()).isEqualTo("active");
    }
}
