package health.ductcare.fhir.validation;

import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Frees the parts of the base StructureDefinitions that validation never reads, once the validator holds its R5
 * copies: about a quarter of the live heap (bench/RESULTS.md item 23).
 *
 * <p>HAPI's validator works on R5 copies of the R4 definitions; {@link WorkerContextValidationSupportAdapter} keeps
 * each copy in the user data of its R4 original and uses it from then on. The R4 original's body (snapshot,
 * differential, narrative, mappings) is then read by nothing: the R4 FHIRPath engine of the search index only
 * evaluates, which looks at a definition's name, kind, derivation and base, all kept. The R5 copy keeps everything
 * validation uses and drops what is documentation only: the narrative, descriptions and mappings, and each
 * element's definition, comment, requirements and aliases. ValidatorEquivalenceTest checks that a validator
 * over compacted definitions reports the same issues as HAPI's stock validator over full ones.
 *
 * <p>It then makes equal texts one String across the definitions, code systems and value sets.
 *
 * <p>A definition with no R5 copy yet is left whole, so this is safe to run at any time; run it after the first
 * validation (which converts them all) and before validations run concurrently.
 */
public final class LeanDefinitions {

    /** The user-data key under which HAPI keeps the R5 copy (private in the adapter; it is built the same way). */
    static final String R5_COPY_KEY =
            WorkerContextValidationSupportAdapter.class.getName() + "_TO_CANONICAL_USERDATA_KEY";

    private LeanDefinitions() {
    }

    /**
     * Compacts every StructureDefinition of the support that has its R5 copy, then makes equal texts of the
     * definitions, code systems and value sets one String; returns how many definitions it compacted.
     */
    public static int compact(IValidationSupport support) {
        List<IBaseResource> definitions = support.fetchAllStructureDefinitions();
        if (definitions == null) {
            return 0;
        }
        int compacted = 0;
        Map<String, String> texts = new HashMap<>();
        for (IBaseResource resource : definitions) {
            if (resource instanceof org.hl7.fhir.r4.model.StructureDefinition original
                    && original.getUserData(R5_COPY_KEY) instanceof org.hl7.fhir.r5.model.StructureDefinition copy) {
                dropDocumentation(copy);
                dropBody(original);
                shareTexts(copy, texts);
                compacted++;
            }
        }
        // Only what the support holds already: the first validation loaded the code systems and value sets.
        List<IBaseResource> conformance = support.fetchAllConformanceResources();
        for (IBaseResource resource : conformance == null ? List.<IBaseResource>of() : conformance) {
            if (resource instanceof org.hl7.fhir.r4.model.CodeSystem
                    || resource instanceof org.hl7.fhir.r4.model.ValueSet) {
                shareTexts((org.hl7.fhir.r4.model.Base) resource, texts);
            }
        }
        return compacted;
    }

    /**
     * Makes equal texts one String (bench/RESULTS.md item 34): the same paths, type codes, constraint
     * expressions, extension URLs and codes recur on thousands of elements and concepts, each parsed into its own
     * copy. Values stay equal, so nothing that reads them can tell.
     */
    private static void shareTexts(org.hl7.fhir.r5.model.Base element, Map<String, String> texts) {
        if (element instanceof org.hl7.fhir.r5.model.StringType text && text.getValue() != null) {
            text.setValue(texts.computeIfAbsent(text.getValue(), value -> value));
        } else if (element instanceof org.hl7.fhir.r5.model.UriType uri && uri.getValue() != null) {
            uri.setValue(texts.computeIfAbsent(uri.getValue(), value -> value));
        }
        for (org.hl7.fhir.r5.model.Property property : element.children()) {
            for (org.hl7.fhir.r5.model.Base child : property.getValues()) {
                shareTexts(child, texts);
            }
        }
    }

    private static void shareTexts(org.hl7.fhir.r4.model.Base element, Map<String, String> texts) {
        if (element instanceof org.hl7.fhir.r4.model.StringType text && text.getValue() != null) {
            text.setValue(texts.computeIfAbsent(text.getValue(), value -> value));
        } else if (element instanceof org.hl7.fhir.r4.model.UriType uri && uri.getValue() != null) {
            uri.setValue(texts.computeIfAbsent(uri.getValue(), value -> value));
        }
        for (org.hl7.fhir.r4.model.Property property : element.children()) {
            for (org.hl7.fhir.r4.model.Base child : property.getValues()) {
                shareTexts(child, texts);
            }
        }
    }

    private static void dropBody(org.hl7.fhir.r4.model.StructureDefinition original) {
        original.setSnapshot(null);
        original.setDifferential(null);
        original.setText(null);
        original.setMapping(null);
    }

    private static void dropDocumentation(org.hl7.fhir.r5.model.StructureDefinition copy) {
        copy.setText(null);
        copy.setDescriptionElement(null);
        copy.setPurposeElement(null);
        copy.setMapping(null);
        List<org.hl7.fhir.r5.model.ElementDefinition> elements = new ArrayList<>();
        if (copy.hasSnapshot()) {
            elements.addAll(copy.getSnapshot().getElement());
        }
        if (copy.hasDifferential()) {
            elements.addAll(copy.getDifferential().getElement());
        }
        for (org.hl7.fhir.r5.model.ElementDefinition element : elements) {
            element.setDefinitionElement(null);
            element.setCommentElement(null);
            element.setRequirementsElement(null);
            element.setAlias(null);
            element.setMapping(null);
        }
    }
}
