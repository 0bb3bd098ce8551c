"""The demo brand's data: regions, locations across Spain and Latin America, users, answers."""

from typing import Any

BRAND = "Café Andino (demo)"
DOMAIN = "cafeandino.example"
PASSWORDS = {
    "hq_admin": "mango tostado al amanecer",
    "manager": "volcan sereno de cobre",
    "auditor": "colibri verde en la feria",
}

# region name -> parent name (parents listed first)
REGIONS = {
    "Chile": None,
    "Región Metropolitana": "Chile",
    "Valparaíso": "Chile",
    "México": None,
    "Argentina": None,
    "Andina": None,
    "Colombia": "Andina",
    "Perú": "Andina",
    "España": None,
}

# code, name, address, phone, timezone, lat, lon, region
LOCATIONS = [
    (
        "CL-001",
        "Providencia",
        "Av. Providencia 2124, Providencia, Santiago",
        "+56 2 2233 4455",
        "America/Santiago",
        -33.4206,
        -70.6066,
        "Región Metropolitana",
    ),
    (
        "CL-002",
        "Las Condes",
        "Av. Apoquindo 4501, Las Condes, Santiago",
        "+56 2 2345 6789",
        "America/Santiago",
        -33.4126,
        -70.5830,
        "Región Metropolitana",
    ),
    (
        "CL-003",
        "Ñuñoa",
        "Av. Irarrázaval 3420, Ñuñoa, Santiago",
        "+56 2 2274 1100",
        "America/Santiago",
        -33.4541,
        -70.5990,
        "Región Metropolitana",
    ),
    (
        "CL-004",
        "Viña del Mar",
        "Av. Libertad 1102, Viña del Mar",
        "+56 32 268 4400",
        "America/Santiago",
        -33.0135,
        -71.5505,
        "Valparaíso",
    ),
    (
        "CL-005",
        "Valparaíso Centro",
        "Av. Pedro Montt 2050, Valparaíso",
        "+56 32 221 3300",
        "America/Santiago",
        -33.0472,
        -71.6127,
        "Valparaíso",
    ),
    (
        "MX-001",
        "Condesa",
        "Av. Tamaulipas 95, Condesa, Cuauhtémoc, CDMX",
        "+52 55 5211 3344",
        "America/Mexico_City",
        19.4128,
        -99.1760,
        "México",
    ),
    (
        "MX-002",
        "Coyoacán",
        "Calle Francisco Sosa 12, Coyoacán, CDMX",
        "+52 55 5659 2211",
        "America/Mexico_City",
        19.3496,
        -99.1617,
        "México",
    ),
    (
        "MX-003",
        "Polanco",
        "Av. Presidente Masaryk 340, Polanco, CDMX",
        "+52 55 5280 7788",
        "America/Mexico_City",
        19.4326,
        -99.1950,
        "México",
    ),
    (
        "AR-001",
        "Palermo",
        "Av. Santa Fe 3253, Palermo, Buenos Aires",
        "+54 11 4822 5566",
        "America/Argentina/Buenos_Aires",
        -34.5883,
        -58.4112,
        "Argentina",
    ),
    (
        "AR-002",
        "Córdoba Centro",
        "Av. Colón 350, Córdoba",
        "+54 351 422 8899",
        "America/Argentina/Cordoba",
        -31.4135,
        -64.1867,
        "Argentina",
    ),
    (
        "CO-001",
        "Chapinero",
        "Carrera 13 # 63-39, Chapinero, Bogotá",
        "+57 601 345 6677",
        "America/Bogota",
        4.6486,
        -74.0628,
        "Colombia",
    ),
    (
        "CO-002",
        "El Poblado",
        "Carrera 43A # 7-50, El Poblado, Medellín",
        "+57 604 311 2233",
        "America/Bogota",
        6.2088,
        -75.5676,
        "Colombia",
    ),
    (
        "PE-001",
        "Miraflores",
        "Av. José Larco 812, Miraflores, Lima",
        "+51 1 445 6677",
        "America/Lima",
        -12.1211,
        -77.0297,
        "Perú",
    ),
    (
        "ES-001",
        "Malasaña",
        "Calle de Fuencarral 78, Madrid",
        "+34 915 21 43 21",
        "Europe/Madrid",
        40.4250,
        -3.7010,
        "España",
    ),
]

# local part, name, role, scope regions, scope location codes
USERS = [
    ("hq", "Valentina Rojas", "hq_admin", [], []),
    ("gerente.chile", "Matías Fuentes", "manager", ["Chile"], []),
    ("gerente.cdmx", "Sofía Hernández", "manager", [], ["MX-001", "MX-002"]),
    ("camila.soto", "Camila Soto", "auditor", [], []),
    ("diego.perez", "Diego Pérez", "auditor", [], []),
    ("lucia.gomez", "Lucía Gómez", "auditor", [], []),
]

# Every answer of a passing first-five-seconds visit (its entrance photo is uploaded apart).
VISIT_ANSWERS: dict[str, Any] = {
    "acknowledged_within_5s": True,
    "seconds_to_greeting": 4,
    "smile_eye_contact": True,
    "entrance_clean": True,
    "floor_clean": True,
    "facilities_available": "all",
    "courtesy": 5,
    "proper_vocabulary": True,
    "product_knowledge": 4,
    "no_blaming_colleagues": True,
}

# Open assignments, due this week: auditor, location code, checklist, kind, days left
OPEN_ASSIGNMENTS = [
    ("camila.soto", "CL-001", "first-five-seconds", "visit", 2),
    ("camila.soto", "CL-004", "self-call", "call", 4),
    ("camila.soto", "MX-002", "first-five-seconds", "visit", 6),
    ("diego.perez", "MX-001", "self-call", "call", 1),
    ("diego.perez", "CO-001", "first-five-seconds", "visit", 3),
    ("diego.perez", "CO-002", "complaint-handling", "visit", 5),
    ("lucia.gomez", "AR-001", "first-five-seconds", "visit", 2),
    ("lucia.gomez", "ES-001", "self-call", "call", 3),
    ("lucia.gomez", "PE-001", "first-five-seconds", "visit", 5),
]

# Audits caught mid-review: location, kind, auditor, days ago, status, note, answers forced
IN_REVIEW = [
    ("CL-002", "visit", "diego.perez", 1, "submitted", None, {}),
    (
        "CL-003",
        "call",
        "lucia.gomez",
        2,
        "returned",
        "Falta el nombre de quien contestó en las observaciones; agrégalo y vuelve a enviar.",
        {},
    ),
    (
        "MX-001",
        "visit",
        "camila.soto",
        5,
        "disputed",
        "El piso estaba recién trapeado y había letrero de piso mojado: no era suciedad.",
        {"floor_clean": False},
    ),
    (
        "AR-002",
        "call",
        "diego.perez",
        9,
        "rejected",
        "Hiciste la misma consulta que la semana pasada y te reconocieron: ya no es anónima.",
        {},
    ),
]
