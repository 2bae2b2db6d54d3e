package health.ductcare.service;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import health.ductcare.engine.Code;
import health.ductcare.engine.CodeSet;
import health.ductcare.engine.Protocol;
import health.ductcare.fhir.FhirIds;
import health.ductcare.mapping.PlanInputMapper;
import health.ductcare.fhir.ServerBase;
import health.ductcare.search.SearchService;
import health.ductcare.security.AccessPolicy;
import health.ductcare.store.StoredResource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Gathers the stored facts a patient's plans are made from, the same way for the plans the service stores
 * ({@link CarePlanService}), {@code CarePlan/$generate} of a stored Condition and {@code PlanDefinition/$apply}:
 * <ul>
 * <li>the current (not deleted) Conditions, MedicationRequests and Observations whose {@code subject} is the
 * patient, at most {@value #MAX_INPUTS} of each, oldest first, whatever their status (the engine decides what an
 * entered-in-error, stopped or cancelled one means, and says so in the plan's notes);</li>
 * <li>of her other Conditions, only those that may be abscesses are parsed (a text pre-filter on the stored JSON),
 * unless all of them are needed anyway;</li>
 * <li>a {@code medicationReference} to {@code Medication/<id>} is read from the store;</li>
 * <li>per Condition: when the service received it (its first version: the diagnosis time when it states none) and
 * the CarePlan stored for it (the activities and status a clinician recorded).</li>
 * </ul>
 * The patient is named by the Condition's subject, relative, versioned or as an absolute URL of this server's own
 * base ({@link #patientOf}); a subject on another server names no stored patient of ours.
 * Resources given inline are merged on top as {@link PatientFacts} describes. An operation reads as its caller:
 * the stored facts the caller's token may not read are left out ({@link Reader#CALLER}); the service itself reads
 * everything ({@link Reader#SERVICE}).
 */
@ApplicationScoped
public class PlanningFactsLoader {

    /** At most this many Conditions, MedicationRequests and Observations of one patient are planned from. */
    public static final int MAX_INPUTS = 1000;

    /** Whose view of the store the facts are read with. */
    public enum Reader {
        /** The service's own: the stored plans follow every fact. */
        SERVICE,
        /** The requesting client's: a stored fact its token may not read is left out. */
        CALLER
    }

    private final FhirContext context;
    private final ResourceService resources;
    private final SearchService search;
    private final AccessPolicy access;
    private final ServerBase serverBase;

    public PlanningFactsLoader(FhirContext context, ResourceService resources, SearchService search,
            AccessPolicy access, ServerBase serverBase) {
        this.context = context;
        this.resources = resources;
        this.search = search;
        this.access = access;
        this.serverBase = serverBase;
    }

    /**
     * {@code Patient/<id>} for a subject that names a Patient of this server: relative, versioned, or an absolute URL
     * under this server's own base ({@link ServerBase}); empty for anything else, such as another server's Patient.
     */
    public Optional<String> patientOf(Reference subject) {
        return PatientFacts.patientOf(subject, serverBase.current());
    }

    /**
     * The facts of the patient {@code subject} names, with {@code inline} merged on top. When {@code subject} names
     * no Patient, there are no stored facts: only the inline ones about that same subject.
     */
    public PatientFacts of(Reference subject, Reader reader, Protocol protocol, PatientFacts.Inline inline) {
        Optional<String> patient = patientOf(subject);
        return patient.isPresent()
                ? new PatientFacts(this, patient.get(), true, reader, protocol, inline, serverBase.current())
                : inlineOnly(subject, protocol, inline);
    }

    /** The facts of the patient {@code Patient/<id>}, as the service reads them. */
    public PatientFacts stored(String patientReference, Protocol protocol) {
        return new PatientFacts(this, patientReference, true, Reader.SERVICE, protocol, PatientFacts.Inline.NONE,
                serverBase.current());
    }

    /** Only the inline facts about {@code subject}: nothing is read from the store. */
    public PatientFacts inlineOnly(Reference subject, Protocol protocol, PatientFacts.Inline inline) {
        return new PatientFacts(this, subject == null ? null : subject.getReference(), false, Reader.CALLER, protocol,
                inline, serverBase.current());
    }

    /**
     * When the service first received the Condition (its version 1), or {@code otherwise} for one it never stored
     * (an inline one with a {@code urn:uuid} is not looked up). Only a Condition without a recorded, asserted or
     * onset time is planned from it, so for any other this is null and costs no read.
     */
    public Instant receivedAt(Condition condition, Instant otherwise) {
        if (PlanInputMapper.diagnosis(condition, null).dated()) {
            return null;
        }
        String conditionId = condition.getIdElement().getIdPart();
        return !FhirIds.isValid(conditionId) ? otherwise
                : resources.firstVersionTime("Condition", conditionId).orElse(otherwise);
    }

    /** The CarePlan the service keeps for the Condition, or null. */
    public CarePlan storedPlan(String conditionId) {
        return !FhirIds.isValid(conditionId) ? null
                : resources.find("CarePlan", CarePlanService.carePlanIdFor(conditionId))
                .map(stored -> context.newJsonParser().parseResource(CarePlan.class, stored.json())).orElse(null);
    }

    List<StoredResource> storedOf(String type, String patientReference) {
        return search.match(type, Map.of("subject", List.of(patientReference)), MAX_INPUTS);
    }

    <T extends Resource> Optional<T> parse(StoredResource stored, Class<T> type, Reader reader) {
        T resource = context.newJsonParser().parseResource(type, stored.json());
        return readable(stored.type(), resource, reader) ? Optional.of(resource) : Optional.empty();
    }

    /** A stored Medication named by a MedicationRequest's {@code medicationReference}, or null. */
    Medication storedMedication(String reference, Reader reader) {
        IdType id = new IdType(reference);
        if (!"Medication".equals(id.getResourceType()) || id.getIdPart() == null) {
            return null;
        }
        return resources.find("Medication", id.getIdPart())
                .flatMap(stored -> parse(stored, Medication.class, reader)).orElse(null);
    }

    private boolean readable(String type, Resource resource, Reader reader) {
        if (reader == Reader.SERVICE) {
            return true;
        }
        try {
            access.checkRead(type, resource);
            return true;
        } catch (BaseServerResponseException notReadable) {
            return false;
        }
    }

    /**
     * A stored Condition can only be an abscess if the text of some abscess code (or code prefix) occurs in its
     * JSON: the others need not be parsed (bench/RESULTS.md item 22). Stored JSON is HAPI's encoding, which never
     * escapes the characters codes are made of.
     */
    static Predicate<StoredResource> mayBeAbscess(Protocol protocol) {
        CodeSet abscess = protocol.codes().abscess();
        List<String> codeTexts = Stream.concat(abscess.exact().stream(), abscess.prefixes().stream())
                .map(Code::code).distinct().toList();
        return stored -> codeTexts.stream().anyMatch(stored.json()::contains);
    }
}
