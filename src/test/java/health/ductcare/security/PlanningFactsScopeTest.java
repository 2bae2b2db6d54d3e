package health.ductcare.security;

import static health.ductcare.security.SecurityFixtures.FHIR_JSON;
import static health.ductcare.security.SecurityFixtures.admin;
import static health.ductcare.security.SecurityFixtures.as;
import static org.assertj.core.api.Assertions.assertThat;

import health.ductcare.testsupport.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code $generate} of a stored Condition and {@code $apply} read the patient's stored facts as their caller: both
 * leave out what the token may not read, the same way, so what they answer never rests on a resource the caller
 * could not see (the stored plan, made by the service, rests on all of them).
 */
@QuarkusTest
@TestProfile(SecurityTestProfile.class)
class PlanningFactsScopeTest {

    @Inject
    TestClock clock;

    private String patient;
    private String condition;
    private String antibiotic;

    @BeforeEach
    void aMastitisWithAnAntibiotic() {
        clock.setNow(Instant.parse("2025-03-03T12:00:00Z"));
        patient = SecurityFixtures.patient("Scoped");
        condition = SecurityFixtures.create("Condition", """
                {"resourceType":"Condition",
                 "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
                 "verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}]},
                 "code":{"coding":[{"system":"http://snomed.info/sct","code":"1287638006"},
                                   {"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"O91.23"}]},
                 "subject":{"reference":"Patient/%s"},"recordedDate":"2025-03-03T10:00:00Z"}""".formatted(patient));
        antibiotic = SecurityFixtures.create("MedicationRequest", """
                {"resourceType":"MedicationRequest","status":"active","intent":"order",
                 "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"309114"}],
                                              "text":"cephalexin 500 MG Oral Capsule"},
                 "subject":{"reference":"Patient/%s"},"authoredOn":"2025-03-03T12:00:00Z"}""".formatted(patient));
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private Response generate(String token) {
        return as(token).contentType(FHIR_JSON).body("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":"
                + "\"condition\",\"valueReference\":{\"reference\":\"Condition/" + condition + "\"}}]}")
                .post("/fhir/CarePlan/$generate");
    }

    private Response apply(String token) {
        return as(token).get("/fhir/PlanDefinition/blocked-duct-pt/$apply?subject=Patient/" + patient);
    }

    @Test
    void aTokenThatReadsEverythingGetsTheStoredPlansDecision() {
        String stored = admin().get("/fhir/CarePlan/careplan-" + condition).then().statusCode(200)
                .extract().path("status");
        assertThat(stored).isEqualTo("active");
        String token = Tokens.patient(patient, "patient/*.rs");
        for (Response answer : new Response[] {generate(token), apply(token)}) {
            assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
            assertThat(answer.<String>path("status")).isEqualTo("active");
            assertThat(answer.asString()).contains("MedicationRequest/" + antibiotic);
        }
    }

    @Test
    void aTokenThatCannotReadMedicationRequestsGetsBothOperationsPlanningWithoutThem() {
        String token = Tokens.patient(patient, "patient/Condition.rs patient/CarePlan.rs patient/PlanDefinition.rs");
        for (Response answer : new Response[] {generate(token), apply(token)}) {
            assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
            assertThat(answer.<String>path("status")).isEqualTo("on-hold");
            assertThat(answer.asString()).doesNotContain(antibiotic);
        }
    }
}
