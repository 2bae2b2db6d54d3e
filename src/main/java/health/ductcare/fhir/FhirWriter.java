package health.ductcare.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.SummaryEnum;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** Encodes resources for responses, honouring format, {@code _pretty}, {@code _summary} and {@code _elements}. */
@Singleton
public class FhirWriter {

    private static final Set<String> TEXT_SUMMARY_ELEMENTS = Set.of("*.text", "*.id", "*.meta", "*.(mandatory)");

    private final FhirContext context;

    public FhirWriter(FhirContext context) {
        this.context = context;
    }

    public String encode(IBaseResource resource, ResponseOptions options) {
        return newParser(options, false).encodeResourceToString(resource);
    }

    /** Encodes a searchset or history Bundle: {@code _elements} and {@code _summary} apply to its entries. */
    public String encodeBundle(IBaseResource bundle, ResponseOptions options) {
        return newParser(options, true).encodeResourceToString(bundle);
    }

    public Response.ResponseBuilder respond(int status, IBaseResource resource, ResponseOptions options) {
        return Response.status(status).entity(encode(resource, options)).type(options.contentType());
    }

    private IParser newParser(ResponseOptions options, boolean childrenOnly) {
        IParser parser = FhirContextProducer.parserFor(context, options.format());
        parser.setPrettyPrint(options.pretty());
        SummaryEnum summary = options.summary();
        if (summary == SummaryEnum.TRUE) {
            parser.setSummaryMode(true);
        } else if (summary == SummaryEnum.TEXT) {
            parser.setEncodeElements(TEXT_SUMMARY_ELEMENTS);
        } else if (summary == SummaryEnum.DATA) {
            parser.setSuppressNarratives(true);
        }
        if (!options.elements().isEmpty()) {
            Set<String> elements = new HashSet<>();
            for (String element : options.elements()) {
                elements.add(Character.isUpperCase(element.charAt(0)) ? element : "*." + element);
            }
            elements.add("*.id");
            elements.add("*.meta");
            elements.add("*.(mandatory)");
            parser.setEncodeElements(elements);
        }
        if (childrenOnly) {
            parser.setEncodeElementsAppliesToChildResourcesOnly(true);
        }
        return parser;
    }
}
