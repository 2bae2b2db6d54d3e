package health.ductcare.search;

import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import health.ductcare.search.IndexTable.DateRow;
import health.ductcare.search.IndexTable.NumberRow;
import health.ductcare.search.IndexTable.QuantityRow;
import health.ductcare.search.IndexTable.ReferenceRow;
import health.ductcare.search.IndexTable.StringRow;
import health.ductcare.search.IndexTable.TokenRow;
import health.ductcare.search.IndexTable.UriRow;
import health.ductcare.fhir.ServerBase;
import health.ductcare.store.ResourceIndexer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import org.hibernate.Session;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Timing;
import org.jboss.logging.Logger;

/**
 * Writes the index rows of a resource: every indexed R4 search parameter of its type is evaluated with its
 * FHIRPath expression and the values go to the index table of the parameter's type, in JDBC batches on the
 * writing transaction's connection. A new version rewrites only the tables whose rows changed.
 */
@ApplicationScoped
public class SearchIndexer implements ResourceIndexer {

    private static final Logger LOG = Logger.getLogger(SearchIndexer.class);

    private final EntityManager entityManager;
    private final SearchParameters parameters;
    private final ServerBase serverBase;

    public SearchIndexer(EntityManager entityManager, SearchParameters parameters, ServerBase serverBase) {
        this.entityManager = entityManager;
        this.parameters = parameters;
        this.serverBase = serverBase;
    }

    /** Every distinct index value of one resource (a CarePlan repeats its codes in every session). */
    static final class Rows {
        final Set<TokenRow> tokens = new LinkedHashSet<>();
        final Set<StringRow> strings = new LinkedHashSet<>();
        final Set<DateRow> dates = new LinkedHashSet<>();
        final Set<ReferenceRow> references = new LinkedHashSet<>();
        final Set<QuantityRow> quantities = new LinkedHashSet<>();
        final Set<NumberRow> numbers = new LinkedHashSet<>();
        final Set<UriRow> uris = new LinkedHashSet<>();
    }

    @Override
    public void index(long pid, String type, IBaseResource resource) {
        Rows rows = extract(type, resource);
        // A first version has no rows yet, so creates only insert.
        boolean firstVersion = "1".equals(resource.getMeta().getVersionId());
        entityManager.unwrap(Session.class).doWork(connection -> {
            for (IndexTable<?> table : IndexTable.ALL) {
                if (firstVersion) {
                    table.insert(connection, pid, type, rows);
                } else {
                    table.replace(connection, pid, type, rows);
                }
            }
        });
    }

    /**
     * Writes the rows of the identifiers of {@code resource}'s logical references ({@code subject:identifier}),
     * replacing any it has, and leaves its other rows as its write made them: for resources stored before those
     * rows existed ({@link SearchIndexUpgrade}). The other rows depend on the base the write arrived at, which is
     * not known here.
     */
    void indexLogicalReferences(long pid, String type, IBaseResource resource) {
        Rows identifiers = new Rows();
        extract(type, resource, null).tokens.stream()
                .filter(row -> row.param().endsWith(":" + Criteria.IDENTIFIER))
                .forEach(identifiers.tokens::add);
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM idx_token WHERE res_pid = ? AND param LIKE ?")) {
                delete.setLong(1, pid);
                delete.setString(2, "%:" + Criteria.IDENTIFIER);
                delete.executeUpdate();
            }
            IndexTable.TOKEN.insert(connection, pid, type, identifiers);
        });
    }

    @Override
    public void remove(long pid) {
        entityManager.unwrap(Session.class).doWork(connection -> {
            for (IndexTable<?> table : IndexTable.ALL) {
                table.delete(connection, pid);
            }
        });
    }

    /** The index rows of {@code resource}, for the base of this moment ({@link ServerBase#current()}). */
    Rows extract(String type, IBaseResource resource) {
        return extract(type, resource, serverBase.current());
    }

    /**
     * The index rows of {@code resource}. A reference to this server's own {@code base} (absolute) is indexed as the
     * relative {@code Type/id} it stands for, so every form of it is found alike; the resource keeps it as written.
     */
    Rows extract(String type, IBaseResource resource, String base) {
        Rows rows = new Rows();
        for (SearchParameters.Param param : parameters.of(type).indexed()) {
            List<IBase> values;
            try {
                values = parameters.fhirPath().evaluate(resource, param.expression().parsed(), IBase.class);
            } catch (RuntimeException e) {
                // The expression failed on this resource's shape; the other parameters still index.
                LOG.debugf("Search parameter %s.%s could not be evaluated: %s", type, param.name(),
                        e.getClass().getSimpleName());
                continue;
            }
            for (IBase value : values) {
                add(rows, param, value, base);
            }
        }
        return rows;
    }

    private static void add(Rows rows, SearchParameters.Param param, IBase value, String base) {
        String name = param.name();
        RestSearchParameterTypeEnum type = param.type();
        switch (type) {
            case TOKEN -> addToken(rows, name, value);
            case STRING -> addString(rows, name, value);
            case DATE -> addDate(rows, name, value);
            case REFERENCE -> addReference(rows, name, value, base);
            case QUANTITY -> addQuantity(rows, name, value);
            case NUMBER -> addNumber(rows, name, value);
            case URI -> {
                if (value instanceof IPrimitiveType<?> primitive && primitive.getValueAsString() != null) {
                    rows.uris.add(new UriRow(name, IndexValues.truncate(primitive.getValueAsString())));
                }
            }
            default -> {
            }
        }
    }

    private static void addToken(Rows rows, String name, IBase value) {
        if (value instanceof Identifier identifier) {
            if (identifier.hasValue() || identifier.hasSystem()) {
                rows.tokens.add(token(name, identifier.getSystem(), identifier.getValue(),
                        identifier.hasType() ? identifier.getType().getText() : null));
            }
        } else if (value instanceof CodeableConcept concept) {
            for (Coding coding : concept.getCoding()) {
                addToken(rows, name, coding);
            }
            if (concept.hasText()) {
                rows.tokens.add(token(name, null, null, concept.getText()));
            }
        } else if (value instanceof Coding coding) {
            if (coding.hasCode() || coding.hasSystem() || coding.hasDisplay()) {
                rows.tokens.add(token(name, coding.getSystem(), coding.getCode(), coding.getDisplay()));
            }
        } else if (value instanceof ContactPoint contact) {
            if (contact.hasValue()) {
                rows.tokens.add(token(name, contact.hasSystem() ? contact.getSystem().toCode() : null,
                        contact.getValue(), null));
            }
        } else if (value instanceof Enumeration<?> enumeration) {
            if (enumeration.getValueAsString() != null) {
                rows.tokens.add(token(name, enumeration.getSystem(), enumeration.getValueAsString(), null));
            }
        } else if (value instanceof IPrimitiveType<?> primitive && primitive.getValueAsString() != null) {
            rows.tokens.add(token(name, null, primitive.getValueAsString(), null));
        }
    }

    private static TokenRow token(String name, String system, String code, String display) {
        return new TokenRow(name, IndexValues.truncate(system), IndexValues.truncate(code),
                display == null ? null : IndexValues.normalize(display));
    }

    private static void addString(Rows rows, String name, IBase value) {
        if (value instanceof HumanName human) {
            addText(rows, name, human.getFamily());
            human.getGiven().forEach(v -> addText(rows, name, v.getValue()));
            human.getPrefix().forEach(v -> addText(rows, name, v.getValue()));
            human.getSuffix().forEach(v -> addText(rows, name, v.getValue()));
            addText(rows, name, human.getText());
        } else if (value instanceof Address address) {
            address.getLine().forEach(v -> addText(rows, name, v.getValue()));
            addText(rows, name, address.getCity());
            addText(rows, name, address.getDistrict());
            addText(rows, name, address.getState());
            addText(rows, name, address.getPostalCode());
            addText(rows, name, address.getCountry());
            addText(rows, name, address.getText());
        } else if (value instanceof IPrimitiveType<?> primitive) {
            addText(rows, name, primitive.getValueAsString());
        }
    }

    private static void addText(Rows rows, String name, String text) {
        if (text != null && !text.isBlank()) {
            rows.strings.add(new StringRow(name, IndexValues.normalize(text), IndexValues.truncate(text)));
        }
    }

    private static void addDate(Rows rows, String name, IBase value) {
        IndexValues.Range range = null;
        if (value instanceof BaseDateTimeType date) {
            range = IndexValues.range(date);
        } else if (value instanceof Period period) {
            range = IndexValues.range(period);
        } else if (value instanceof Timing timing) {
            range = IndexValues.range(timing);
        }
        if (range != null) {
            rows.dates.add(new DateRow(name, range.low(), range.high()));
        }
    }

    private static void addReference(Rows rows, String name, IBase value, String base) {
        String reference;
        if (value instanceof Reference ref) {
            Identifier identifier = ref.getIdentifier();
            if (identifier.hasValue()) {
                rows.tokens.add(token(Criteria.identifierParam(name), identifier.getSystem(), identifier.getValue(),
                        null));
            }
            reference = ref.getReference();
        } else if (value instanceof IPrimitiveType<?> canonical) {
            reference = canonical.getValueAsString();
        } else {
            return;
        }
        if (reference == null || reference.isBlank() || reference.startsWith("#")) {
            return;
        }
        ReferenceValue parsed = ReferenceValue.parse(reference, base);
        rows.references.add(new ReferenceRow(name, parsed.type(), parsed.id(), parsed.url()));
    }

    private static void addQuantity(Rows rows, String name, IBase value) {
        if (value instanceof Quantity quantity && IndexValues.fitsAmount(quantity.getValue())) {
            rows.quantities.add(new QuantityRow(name, quantity.getValue(), IndexValues.truncate(quantity.getSystem()),
                    IndexValues.truncate(quantity.hasCode() ? quantity.getCode() : quantity.getUnit())));
        } else if (value instanceof Money money && IndexValues.fitsAmount(money.getValue())) {
            rows.quantities.add(new QuantityRow(name, money.getValue(), "urn:iso:std:iso:4217", money.getCurrency()));
        }
    }

    private static void addNumber(Rows rows, String name, IBase value) {
        if (value instanceof DecimalType decimal && IndexValues.fitsAmount(decimal.getValue())) {
            rows.numbers.add(new NumberRow(name, decimal.getValue()));
        } else if (value instanceof IntegerType integer && integer.getValue() != null) {
            rows.numbers.add(new NumberRow(name, BigDecimal.valueOf(integer.getValue())));
        }
    }
}
