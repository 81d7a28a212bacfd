"""Deterministic generator of realistic SP-API sandbox scenarios.

``generate()`` returns a scenario dict in the ``spapi-sandbox/scenario@1`` format
(orders are Orders API v2026-01-01 ``Order`` objects); ``write()`` stores it as
JSON together with its expected-outcome manifest (see :mod:`.manifest`).

Everything is drawn from one ``random.Random(seed)``: the output depends only on
the arguments (never on the current time or on set ordering). Money uses
:class:`decimal.Decimal` only; amounts are decimal strings with the currency's
decimals and datetimes are ISO-8601 UTC strings (``2026-11-01T12:00:00Z``).
"""

from __future__ import annotations

import argparse
import random
import string
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from . import manifest as manifest_mod
from .money import money, rnd

FORMAT = "spapi-sandbox/scenario@1"

# ---------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Marketplace:
    """One Amazon marketplace and the local conventions the generator uses."""

    code: str
    marketplace_id: str
    name: str
    currency: str
    country: str
    email_domain: str
    language: str
    #: VAT / consumption tax rate in percent (prices are tax-inclusive) or
    #: ``None`` for US/CA, where sales tax is added per state/province.
    vat_rate: Decimal | None
    order_prefixes: tuple[str, ...]
    shipping_fee: Decimal
    gift_wrap_fee: Decimal


def _d(value: str) -> Decimal:
    return Decimal(value)


MARKETPLACES: dict[str, Marketplace] = {
    m.code: m
    for m in (
        Marketplace(
            "US",
            "ATVPDKIKX0DER",
            "Amazon.com",
            "USD",
            "US",
            "marketplace.amazon.com",
            "en",
            None,
            ("111", "112", "113", "114"),
            _d("5.99"),
            _d("4.99"),
        ),
        Marketplace(
            "CA",
            "A2EUQ1WTGCTBG2",
            "Amazon.ca",
            "CAD",
            "CA",
            "marketplace.amazon.ca",
            "en",
            None,
            ("701", "702"),
            _d("7.99"),
            _d("5.99"),
        ),
        Marketplace(
            "DE",
            "A1PA6795UKMFR9",
            "Amazon.de",
            "EUR",
            "DE",
            "marketplace.amazon.de",
            "de",
            _d("19"),
            ("302", "303", "304", "305", "306"),
            _d("4.99"),
            _d("3.99"),
        ),
        Marketplace(
            "FR",
            "A13V1IB3VIYZZH",
            "Amazon.fr",
            "EUR",
            "FR",
            "marketplace.amazon.fr",
            "fr",
            _d("20"),
            ("402", "403", "404", "407"),
            _d("5.49"),
            _d("3.99"),
        ),
        Marketplace(
            "IT",
            "APJ6JRA9NG5V4",
            "Amazon.it",
            "EUR",
            "IT",
            "marketplace.amazon.it",
            "it",
            _d("22"),
            ("402", "405", "406", "408"),
            _d("5.90"),
            _d("3.99"),
        ),
        Marketplace(
            "ES",
            "A1RKKUPIHCS9HS",
            "Amazon.es",
            "EUR",
            "ES",
            "marketplace.amazon.es",
            "es",
            _d("21"),
            ("171", "403", "406", "408"),
            _d("5.99"),
            _d("3.99"),
        ),
        Marketplace(
            "UK",
            "A1F83G8C2ARO7P",
            "Amazon.co.uk",
            "GBP",
            "GB",
            "marketplace.amazon.co.uk",
            "en",
            _d("20"),
            ("202", "203", "204", "206"),
            _d("3.99"),
            _d("2.99"),
        ),
        Marketplace(
            "PL",
            "A1C3SOZRARQ6R3",
            "Amazon.pl",
            "PLN",
            "PL",
            "marketplace.amazon.pl",
            "pl",
            _d("23"),
            ("404", "405", "406"),
            _d("14.99"),
            _d("14.99"),
        ),
        Marketplace(
            "JP",
            "A1VC38T7YXB528",
            "Amazon.co.jp",
            "JPY",
            "JP",
            "marketplace.amazon.co.jp",
            "ja",
            _d("10"),
            ("249", "250", "503"),
            _d("500"),
            _d("300"),
        ),
    )
}

#: Seller regions: marketplaces with their relative order volume, PII role.
REGIONS = {
    "NA": {"marketplaces": (("US", 80), ("CA", 20)), "pii": True, "weight": 40},
    "EU": {
        "marketplaces": (
            ("DE", 35),
            ("UK", 25),
            ("FR", 15),
            ("IT", 10),
            ("ES", 10),
            ("PL", 5),
        ),
        "pii": False,
        "weight": 45,
    },
    "FE": {"marketplaces": (("JP", 100),), "pii": True, "weight": 15},
}

#: Price factor of each marketplace relative to a product's base price
#: (USD for NA products, EUR for EU products, JPY for FE products).
PRICE_FACTOR = {
    "US": _d("1"),
    "CA": _d("1.36"),
    "DE": _d("1"),
    "FR": _d("1.02"),
    "IT": _d("1.03"),
    "ES": _d("1"),
    "UK": _d("0.88"),
    "PL": _d("4.35"),
    "JP": _d("1"),
}

# (titles by language, base price). Titles are local-language listings.
NA_PRODUCTS = (
    (
        "WB-32-BLK",
        "Stainless Steel Insulated Water Bottle, 32 oz, Leak-Proof Lid, Matte Black",
        "24.99",
    ),
    ("CB-BAM-3", "Bamboo Cutting Board Set of 3 with Juice Groove", "32.99"),
    ("CBL-USBC-6FT-2P", "USB-C Charging Cable 6 ft, 2-Pack, Braided Nylon", "12.99"),
    (
        "MSE-ERGO-GR",
        "Wireless Ergonomic Mouse, Rechargeable, Silent Click, Graphite",
        "29.99",
    ),
    ("SKL-CI-1025", "Cast Iron Skillet 10.25 Inch, Pre-Seasoned", "27.95"),
    (
        "YM-025-TEAL",
        "Yoga Mat 1/4 Inch Thick, Non-Slip, with Carrying Strap, Teal",
        "34.99",
    ),
    (
        "LMP-LED-QI",
        "LED Desk Lamp with Wireless Charger, 5 Color Modes, Dimmable",
        "45.99",
    ),
    ("BKM-SIL-2P", "Silicone Baking Mat Set of 2, Half Sheet, Non-Stick", "14.49"),
    (
        "TOY-BLK-120",
        "Kids Building Blocks 120 Pieces, Classic Colors, Storage Bin",
        "39.99",
    ),
    (
        "FP-34OZ-SS",
        "French Press Coffee Maker 34 oz, Borosilicate Glass, Stainless Steel",
        "29.49",
    ),
    (
        "BP-HIKE-25-NVY",
        "Hiking Daypack 25L, Water-Resistant, Lightweight, Navy",
        "49.99",
    ),
    ("MF-HH-BLK", "Electric Milk Frother Handheld, Battery Operated, Black", "11.99"),
    ("TP-MEM-SET", "Memory Foam Travel Pillow with Ear Plugs and Eye Mask", "22.95"),
    ("RB-SET5", "Resistance Bands Set of 5 with Door Anchor and Handles", "26.99"),
)

EU_PRODUCTS = (
    (
        "EU-WB750-BLK",
        {
            "en": "Stainless Steel Insulated Bottle 750 ml, Leak-Proof, Matte Black",
            "de": "Edelstahl Trinkflasche 750 ml, isoliert, auslaufsicher, Mattschwarz",
            "fr": "Gourde isotherme en acier inoxydable 750 ml, étanche, noir mat",
            "it": "Borraccia termica in acciaio inox 750 ml, antigoccia, nero opaco",
            "es": "Botella térmica de acero inoxidable 750 ml, antigoteo, negro mate",
            "pl": "Butelka termiczna ze stali nierdzewnej 750 ml, szczelna, czarny mat",
        },
        "24.99",
    ),
    (
        "EU-CB-BAM3",
        {
            "en": "Bamboo Chopping Board Set of 3 with Juice Groove",
            "de": "Bambus Schneidebrett Set 3-teilig mit Saftrille",
            "fr": "Lot de 3 planches à découper en bambou avec rainure",
            "it": "Set di 3 taglieri in bambù con scanalatura",
            "es": "Juego de 3 tablas de cortar de bambú con ranura",
            "pl": "Zestaw 3 desek do krojenia z bambusa z rowkiem",
        },
        "29.99",
    ),
    (
        "EU-USBC-2M-2P",
        {
            "en": "USB-C Charging Cable 2 m, 2-Pack, Braided Nylon",
            "de": "USB-C Ladekabel 2 m, 2er-Pack, Nylon geflochten",
            "fr": "Câble de charge USB-C 2 m, lot de 2, nylon tressé",
            "it": "Cavo di ricarica USB-C 2 m, confezione da 2, nylon intrecciato",
            "es": "Cable de carga USB-C 2 m, pack de 2, nailon trenzado",
            "pl": "Kabel do ładowania USB-C 2 m, 2 sztuki, w oplocie nylonowym",
        },
        "12.99",
    ),
    (
        "EU-MSE-ERGO",
        {
            "en": "Wireless Ergonomic Mouse, Rechargeable, Silent Click, Graphite",
            "de": "Kabellose ergonomische Maus, wiederaufladbar, leise Tasten, Graphit",
            "fr": "Souris ergonomique sans fil, rechargeable, silencieuse, graphite",
            "it": "Mouse ergonomico wireless, ricaricabile, clic silenzioso, grafite",
            "es": "Ratón ergonómico inalámbrico, recargable, clic silencioso, grafito",
            "pl": "Bezprzewodowa mysz ergonomiczna, ładowana, cichy klik, grafit",
        },
        "27.99",
    ),
    (
        "EU-PAN-CI26",
        {
            "en": "Cast Iron Skillet 26 cm, Pre-Seasoned",
            "de": "Gusseisen Pfanne 26 cm, vorgeeinbrannt",
            "fr": "Poêle en fonte 26 cm, pré-culottée",
            "it": "Padella in ghisa 26 cm, pre-stagionata",
            "es": "Sartén de hierro fundido 26 cm, precurada",
            "pl": "Patelnia żeliwna 26 cm, wstępnie sezonowana",
        },
        "34.90",
    ),
    (
        "EU-YOGA-6MM",
        {
            "en": "Yoga Mat 6 mm, Non-Slip, with Carrying Strap, Petrol",
            "de": "Yogamatte 6 mm, rutschfest, mit Tragegurt, Petrol",
            "fr": "Tapis de yoga 6 mm, antidérapant, avec sangle, bleu pétrole",
            "it": "Tappetino yoga 6 mm, antiscivolo, con cinghia, petrolio",
            "es": "Esterilla de yoga 6 mm, antideslizante, con correa, azul petróleo",
            "pl": "Mata do jogi 6 mm, antypoślizgowa, z paskiem, morska",
        },
        "29.95",
    ),
    (
        "EU-LAMP-QI",
        {
            "en": "LED Desk Lamp with Wireless Charger, Dimmable, 5 Colour Modes",
            "de": "LED Schreibtischlampe mit kabellosem Ladegerät, dimmbar, 5 Farbmodi",
            "fr": "Lampe de bureau LED avec chargeur sans fil, dimmable, 5 modes",
            "it": "Lampada da scrivania LED con caricatore wireless, dimmerabile",
            "es": "Lámpara de escritorio LED con cargador inalámbrico, regulable",
            "pl": "Lampka biurkowa LED z ładowarką bezprzewodową, ściemniana",
        },
        "42.99",
    ),
    (
        "EU-BAKEMAT-2",
        {
            "en": "Silicone Baking Mat Set of 2, Non-Stick, Reusable",
            "de": "Silikon Backmatte 2er-Set, antihaftbeschichtet, wiederverwendbar",
            "fr": "Lot de 2 tapis de cuisson en silicone, antiadhésifs, réutilisables",
            "it": "Set di 2 tappetini da forno in silicone, antiaderenti",
            "es": "Juego de 2 tapetes de silicona para hornear, antiadherentes",
            "pl": "Zestaw 2 silikonowych mat do pieczenia, nieprzywierające",
        },
        "13.99",
    ),
    (
        "EU-BLOCKS-120",
        {
            "en": "Building Blocks 120 Pieces, Classic Colours, with Storage Box",
            "de": "Bausteine 120 Teile, klassische Farben, mit Aufbewahrungsbox",
            "fr": "Blocs de construction 120 pièces, couleurs classiques, avec boîte",
            "it": "Mattoncini da costruzione 120 pezzi, colori classici, con scatola",
            "es": "Bloques de construcción 120 piezas, colores clásicos, con caja",
            "pl": "Klocki konstrukcyjne 120 elementów, klasyczne kolory, z pudełkiem",
        },
        "36.99",
    ),
    (
        "EU-FPRESS-1L",
        {
            "en": "French Press Coffee Maker 1 l, Borosilicate Glass",
            "de": "French Press Kaffeebereiter 1 l, Borosilikatglas",
            "fr": "Cafetière à piston 1 l, verre borosilicate",
            "it": "Caffettiera a pistone 1 l, vetro borosilicato",
            "es": "Cafetera de émbolo 1 l, vidrio de borosilicato",
            "pl": "Zaparzacz do kawy French Press 1 l, szkło borokrzemowe",
        },
        "26.49",
    ),
    (
        "EU-PACK-25L",
        {
            "en": "Hiking Daypack 25 l, Water-Resistant, Navy",
            "de": "Wanderrucksack 25 l, wasserabweisend, Marineblau",
            "fr": "Sac à dos de randonnée 25 l, déperlant, bleu marine",
            "it": "Zaino da escursionismo 25 l, idrorepellente, blu navy",
            "es": "Mochila de senderismo 25 l, resistente al agua, azul marino",
            "pl": "Plecak turystyczny 25 l, wodoodporny, granatowy",
        },
        "49.95",
    ),
    (
        "EU-FROTHER",
        {
            "en": "Handheld Electric Milk Frother, Battery Operated, Black",
            "de": "Elektrischer Milchaufschäumer, batteriebetrieben, Schwarz",
            "fr": "Mousseur à lait électrique à main, à piles, noir",
            "it": "Montalatte elettrico a mano, a batteria, nero",
            "es": "Espumador de leche eléctrico de mano, a pilas, negro",
            "pl": "Ręczny spieniacz do mleka, na baterie, czarny",
        },
        "10.99",
    ),
    (
        "EU-PILLOW-MEM",
        {
            "en": "Memory Foam Travel Pillow with Ear Plugs and Eye Mask",
            "de": "Nackenkissen aus Memory-Schaum mit Ohrstöpseln und Schlafmaske",
            "fr": "Oreiller de voyage en mousse à mémoire avec bouchons et masque",
            "it": "Cuscino da viaggio in memory foam con tappi e mascherina",
            "es": "Almohada de viaje viscoelástica con tapones y antifaz",
            "pl": "Poduszka podróżna z pianki z zatyczkami i opaską na oczy",
        },
        "21.99",
    ),
    (
        "EU-BANDS-5",
        {
            "en": "Resistance Bands Set of 5 with Door Anchor and Handles",
            "de": "Widerstandsbänder 5er-Set mit Türanker und Griffen",
            "fr": "Lot de 5 bandes de résistance avec ancrage de porte et poignées",
            "it": "Set di 5 bande elastiche con ancoraggio per porta e maniglie",
            "es": "Juego de 5 bandas de resistencia con anclaje para puerta y asas",
            "pl": "Zestaw 5 taśm oporowych z kotwą do drzwi i uchwytami",
        },
        "24.99",
    ),
)

FE_PRODUCTS = (
    (
        "JP-BTL-500-BK",
        "真空断熱 ステンレスボトル 500ml 保温保冷 マットブラック",
        "2480",
    ),
    ("JP-CB-BAM3", "竹製 まな板 3枚セット 溝付き", "2980"),
    ("JP-USBC-2M-2P", "USB-C 充電ケーブル 2m 2本セット ナイロン編み", "1280"),
    (
        "JP-MSE-ERGO",
        "ワイヤレス エルゴノミクス マウス 充電式 静音 グラファイト",
        "3480",
    ),
    ("JP-PAN-CI26", "鋳鉄 フライパン 26cm シーズニング済み", "4980"),
    ("JP-YOGA-6MM", "ヨガマット 6mm 滑り止め 収納ベルト付き ネイビー", "2780"),
    ("JP-LAMP-QI", "LED デスクライト ワイヤレス充電器付き 調光 5段階", "5980"),
    ("JP-KETTLE-08", "ハンドドリップ コーヒーケトル 0.8L ステンレス", "3280"),
    ("JP-UMB-AUTO", "折りたたみ傘 自動開閉 撥水 ブラック", "1980"),
    ("JP-PILLOW-MEM", "低反発 ネックピロー 耳栓・アイマスク付き", "2180"),
)

# Address books: (city, stateOrRegion or "", postalCode[, sales tax %]).
US_CITIES = (
    ("Seattle", "WA", "98101", "10.35", "206"),
    ("Austin", "TX", "78701", "8.25", "512"),
    ("Brooklyn", "NY", "11201", "8.875", "718"),
    ("Los Angeles", "CA", "90012", "9.75", "213"),
    ("Chicago", "IL", "60614", "10.25", "312"),
    ("Miami", "FL", "33130", "7.00", "305"),
    ("Denver", "CO", "80202", "8.81", "303"),
    ("Portland", "OR", "97205", "0", "503"),
    ("Boston", "MA", "02116", "6.25", "617"),
    ("Atlanta", "GA", "30303", "8.90", "404"),
    ("Phoenix", "AZ", "85004", "8.60", "602"),
    ("Columbus", "OH", "43215", "7.50", "614"),
)
CA_CITIES = (
    ("Toronto", "ON", "M5V 2T6", "13", "416"),
    ("Montréal", "QC", "H2X 1Y4", "14.975", "514"),
    ("Vancouver", "BC", "V6B 1A1", "12", "604"),
    ("Calgary", "AB", "T2P 1J9", "5", "403"),
    ("Ottawa", "ON", "K1P 5G4", "13", "613"),
    ("Halifax", "NS", "B3J 1S9", "14", "902"),
    ("Winnipeg", "MB", "R3C 0V8", "12", "204"),
)
CITIES = {
    "UK": (
        ("London", "", "SE1 7PB"),
        ("Manchester", "", "M1 1AE"),
        ("Birmingham", "", "B1 1BB"),
        ("Leeds", "", "LS1 4AP"),
        ("Bristol", "", "BS1 4DJ"),
        ("Edinburgh", "", "EH1 1YZ"),
        ("Cardiff", "", "CF10 1EP"),
        ("Glasgow", "", "G1 1XQ"),
    ),
    "DE": (
        ("Berlin", "", "10115"),
        ("München", "", "80331"),
        ("Hamburg", "", "20095"),
        ("Köln", "", "50667"),
        ("Frankfurt am Main", "", "60311"),
        ("Stuttgart", "", "70173"),
        ("Leipzig", "", "04109"),
        ("Düsseldorf", "", "40213"),
        ("Dresden", "", "01067"),
        ("Nürnberg", "", "90402"),
    ),
    "FR": (
        ("Paris", "", "75011"),
        ("Lyon", "", "69002"),
        ("Marseille", "", "13001"),
        ("Toulouse", "", "31000"),
        ("Nantes", "", "44000"),
        ("Bordeaux", "", "33000"),
        ("Lille", "", "59000"),
        ("Strasbourg", "", "67000"),
    ),
    "IT": (
        ("Roma", "RM", "00184"),
        ("Milano", "MI", "20121"),
        ("Napoli", "NA", "80133"),
        ("Torino", "TO", "10121"),
        ("Bologna", "BO", "40121"),
        ("Firenze", "FI", "50123"),
        ("Palermo", "PA", "90133"),
        ("Verona", "VR", "37121"),
    ),
    "ES": (
        ("Madrid", "Madrid", "28013"),
        ("Barcelona", "Barcelona", "08002"),
        ("Valencia", "Valencia", "46002"),
        ("Sevilla", "Sevilla", "41001"),
        ("Zaragoza", "Zaragoza", "50001"),
        ("Málaga", "Málaga", "29015"),
        ("Bilbao", "Bizkaia", "48001"),
    ),
    "PL": (
        ("Warszawa", "mazowieckie", "00-001"),
        ("Kraków", "małopolskie", "31-011"),
        ("Wrocław", "dolnośląskie", "50-001"),
        ("Poznań", "wielkopolskie", "61-001"),
        ("Gdańsk", "pomorskie", "80-001"),
        ("Łódź", "łódzkie", "90-001"),
        ("Katowice", "śląskie", "40-001"),
    ),
    "JP": (
        ("渋谷区", "東京都", "150-0041"),
        ("世田谷区", "東京都", "154-0004"),
        ("大阪市北区", "大阪府", "530-0001"),
        ("横浜市中区", "神奈川県", "231-0023"),
        ("名古屋市中村区", "愛知県", "450-0002"),
        ("福岡市博多区", "福岡県", "812-0011"),
        ("札幌市中央区", "北海道", "060-0001"),
        ("京都市下京区", "京都府", "600-8216"),
    ),
}
STREETS = {
    "US": (
        "Maple Ave",
        "Oak St",
        "Pine St",
        "Cedar Ln",
        "Elm St",
        "Washington Blvd",
        "Lakeview Dr",
        "Park Ave",
        "Highland Ave",
        "Main St",
        "2nd Ave",
    ),
    "CA": (
        "King St W",
        "Queen St E",
        "Rue Sainte-Catherine",
        "Granville St",
        "Jasper Ave",
        "Barrington St",
        "Portage Ave",
        "Bank St",
    ),
    "UK": (
        "High Street",
        "Station Road",
        "Church Lane",
        "Victoria Road",
        "Park Road",
        "Queens Road",
        "Mill Lane",
        "Green Lane",
    ),
    "DE": (
        "Hauptstraße",
        "Bahnhofstraße",
        "Gartenstraße",
        "Schillerstraße",
        "Goethestraße",
        "Lindenweg",
        "Berliner Allee",
        "Mozartstraße",
    ),
    "FR": (
        "rue de la République",
        "avenue Jean Jaurès",
        "boulevard Voltaire",
        "rue Victor Hugo",
        "place de la Mairie",
        "rue des Lilas",
    ),
    "IT": (
        "Via Roma",
        "Via Garibaldi",
        "Corso Vittorio Emanuele II",
        "Via Dante",
        "Via Mazzini",
        "Viale Europa",
    ),
    "ES": (
        "Calle Mayor",
        "Calle de Alcalá",
        "Avenida de la Constitución",
        "Calle Real",
        "Calle San Fernando",
        "Paseo de la Castellana",
    ),
    "PL": (
        "ul. Marszałkowska",
        "ul. Długa",
        "ul. Piotrkowska",
        "ul. Floriańska",
        "ul. Polna",
        "ul. Lipowa",
    ),
    "JP": ("本町", "中央", "栄町", "緑町", "旭町", "幸町"),
}
NAMES = {
    "US": (
        (
            "James",
            "Mary",
            "Robert",
            "Patricia",
            "Michael",
            "Jennifer",
            "David",
            "Linda",
            "Daniel",
            "Emily",
            "Kevin",
            "Sarah",
            "Brian",
            "Megan",
        ),
        (
            "Smith",
            "Johnson",
            "Williams",
            "Brown",
            "Jones",
            "Garcia",
            "Miller",
            "Davis",
            "Rodriguez",
            "Martinez",
            "Wilson",
            "Anderson",
            "Taylor",
            "Lee",
        ),
    ),
    "CA": (
        (
            "Liam",
            "Olivia",
            "Noah",
            "Emma",
            "Étienne",
            "Chloé",
            "William",
            "Sophie",
            "Benjamin",
            "Charlotte",
        ),
        (
            "Tremblay",
            "Gagnon",
            "Roy",
            "Côté",
            "Smith",
            "Brown",
            "Wilson",
            "Martin",
            "MacDonald",
            "Campbell",
        ),
    ),
    "UK": (
        (
            "Oliver",
            "Amelia",
            "Harry",
            "Isla",
            "George",
            "Emily",
            "Jack",
            "Sophie",
            "Charlie",
            "Grace",
        ),
        (
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Wilson",
            "Evans",
            "Thomas",
            "Roberts",
            "Walker",
            "Wright",
        ),
    ),
    "DE": (
        (
            "Lukas",
            "Anna",
            "Maximilian",
            "Laura",
            "Jonas",
            "Lea",
            "Felix",
            "Sophie",
            "Paul",
            "Marie",
            "Tobias",
            "Julia",
        ),
        (
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Hoffmann",
            "Schäfer",
            "Koch",
            "Richter",
        ),
    ),
    "FR": (
        ("Camille", "Louis", "Léa", "Hugo", "Manon", "Lucas", "Chloé", "Nathan"),
        (
            "Martin",
            "Bernard",
            "Dubois",
            "Thomas",
            "Robert",
            "Richard",
            "Petit",
            "Durand",
            "Leroy",
            "Moreau",
        ),
    ),
    "IT": (
        (
            "Giulia",
            "Marco",
            "Francesca",
            "Luca",
            "Chiara",
            "Alessandro",
            "Sara",
            "Matteo",
        ),
        (
            "Rossi",
            "Russo",
            "Ferrari",
            "Esposito",
            "Bianchi",
            "Romano",
            "Colombo",
            "Ricci",
        ),
    ),
    "ES": (
        ("Lucía", "Hugo", "Martina", "Daniel", "Sofía", "Pablo", "Carmen", "Javier"),
        (
            "García",
            "Fernández",
            "González",
            "Rodríguez",
            "López",
            "Martínez",
            "Sánchez",
            "Pérez",
        ),
    ),
    "PL": (
        ("Jakub", "Zuzanna", "Antoni", "Julia", "Jan", "Maja", "Szymon", "Hanna"),
        (
            "Nowak",
            "Wójcik",
            "Kowalczyk",
            "Woźniak",
            "Mazur",
            "Krawczyk",
            "Kaczmarek",
            "Zając",
        ),
    ),
    "JP": (
        ("健太", "美咲", "翔", "陽子", "大輔", "さくら", "拓也", "結衣"),
        ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村"),
    ),
}
COMPANIES = {
    "US": (
        "Brightline Dental Group LLC",
        "Harbor Street Cafe Inc.",
        "Summit Valley School District",
        "Northwind Logistics LLC",
    ),
    "CA": (
        "Maple Leaf Design Inc.",
        "Boréal Services Ltée",
        "Prairie Office Supply Ltd.",
    ),
    "UK": ("Thames Valley Joinery Ltd", "Northgate Consulting Ltd", "Fenwick & Co LLP"),
    "DE": (
        "Müller & Partner GmbH",
        "Schneider Bürotechnik GmbH",
        "Praxis Dr. Weber",
        "Becker Gastronomie GmbH & Co. KG",
    ),
    "FR": ("Atelier Dubois SARL", "Boulangerie Martin SAS", "Cabinet Leroy"),
    "IT": ("Rossi Forniture S.r.l.", "Studio Bianchi S.r.l.", "Ristorante Da Luca"),
    "ES": (
        "Distribuciones García S.L.",
        "Clínica Dental López S.L.",
        "Talleres Pérez S.A.",
    ),
    "PL": ("Nowak Serwis Sp. z o.o.", "Biuro Rachunkowe Mazur s.c."),
    "JP": ("株式会社山田商事", "有限会社鈴木工務店", "合同会社高橋デザイン"),
}
# (carrier, shippingService, tracking template: # digit, A letter, X alnum)
CARRIERS = {
    "US": (
        ("UPS", "UPS Ground", "1ZXXXXXX03########"),
        ("USPS", "USPS Ground Advantage", "9400##################"),
        ("FedEx", "FedEx Home Delivery", "############"),
        ("Amazon Shipping", "Amazon Shipping Ground", "TBA############"),
    ),
    "CA": (
        ("Canada Post", "Expedited Parcel", "################"),
        ("Purolator", "Purolator Ground", "############"),
        ("UPS", "UPS Standard", "1ZXXXXXX11########"),
    ),
    "UK": (
        ("Royal Mail", "Royal Mail Tracked 48", "AA#########GB"),
        ("DPD", "DPD Next Day", "15501#########"),
        ("Evri", "Evri Tracked", "H0XXXXA#########"),
        ("Parcelforce", "Parcelforce express48", "AA#######"),
    ),
    "EU": (
        ("DHL", "DHL Paket", "00340434############"),
        ("DPD", "DPD Classic", "0150##########"),
        ("GLS", "GLS BusinessParcel", "###########"),
        ("UPS", "UPS Standard", "1ZXXXXXX68########"),
        ("Hermes", "Hermes Paket", "H1##################"),
    ),
    "JP": (
        ("Yamato Transport", "宅急便", "############"),
        ("Sagawa Express", "飛脚宅配便", "############"),
        ("Japan Post", "ゆうパック", "############"),
    ),
}
WAREHOUSES = {
    "NA": {
        "name": "Demo NA Fulfillment",
        "addressLine1": "2100 Commerce Way",
        "city": "Reno",
        "stateOrRegion": "NV",
        "postalCode": "89502",
        "countryCode": "US",
    },
    "EU": {
        "name": "Demo EU Versandlager",
        "addressLine1": "Industriestraße 5",
        "city": "Obernburg am Main",
        "stateOrRegion": "Bayern",
        "postalCode": "63785",
        "countryCode": "DE",
    },
    "UK": {
        "name": "Demo EU UK Warehouse",
        "addressLine1": "Unit 7, Enterprise Park",
        "city": "Milton Keynes",
        "stateOrRegion": "England",
        "postalCode": "MK1 1AA",
        "countryCode": "GB",
    },
    "FE": {
        "name": "デモ物流センター",
        "addressLine1": "塩浜2-13-1",
        "city": "市川市",
        "stateOrRegion": "千葉県",
        "postalCode": "272-0127",
        "countryCode": "JP",
    },
}
BUYER_CANCEL_REASONS = (
    "Order Created by Mistake",
    "Item is no longer needed",
    "Found a better price elsewhere",
    "Shipping cost too high",
    "Delivery date too late",
    "Need to change shipping address",
)
CANCEL_EXECUTION = (
    ("BUYER", "BuyerCanceled"),
    ("MERCHANT", "NoInventory"),
    ("MERCHANT", "ShippingAddressUndeliverable"),
    ("AMAZON", "PaymentNotAuthorized"),
)
GIFT_MESSAGES = {
    "en": (
        "Happy birthday! Love, Sam",
        "Merry Christmas from all of us!",
        "Congratulations on the new home!",
    ),
    "de": (
        "Alles Gute zum Geburtstag!",
        "Frohe Weihnachten, eure Anna",
        "Herzlichen Glückwunsch zur neuen Wohnung!",
    ),
    "fr": ("Joyeux anniversaire ! Bises, Léa", "Joyeux Noël à toute la famille !"),
    "it": ("Buon compleanno! Un abbraccio", "Buon Natale da tutti noi!"),
    "es": ("¡Feliz cumpleaños! Un abrazo", "¡Feliz Navidad!"),
    "pl": ("Wszystkiego najlepszego z okazji urodzin!", "Wesołych Świąt!"),
    "ja": ("お誕生日おめでとう！", "いつもありがとう。ささやかな贈り物です。"),
}
VAT_FORMATS = {
    "DE": "DE#########",
    "FR": "FRXX#########",
    "IT": "IT###########",
    "ES": "ESA#######A",
    "UK": "GB#########",
    "PL": "PL##########",
}
PROMOTIONS = (
    "AUTUMN-SALE-2026",
    "BLACK-FRIDAY-EARLY",
    "PRIME-EXCLUSIVE-10",
    "BUY2SAVE15",
    "LIGHTNING-DEAL",
)


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def parse_time(value: str) -> datetime:
    """Parse an ISO-8601 UTC string (``...Z`` or ``+00:00``) to an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def iso(value: datetime) -> str:
    """Format an aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds)."""
    return (
        value.astimezone(timezone.utc)
        .replace(microsecond=0)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
    )


def _pattern(rng: random.Random, template: str) -> str:
    out = []
    for char in template:
        if char == "#":
            out.append(rng.choice(string.digits))
        elif char == "A":
            out.append(rng.choice(string.ascii_uppercase))
        elif char == "X":
            out.append(rng.choice(string.ascii_uppercase + string.digits))
        else:
            out.append(char)
    return "".join(out)


def _weighted(rng: random.Random, pairs) -> str:
    values = [value for value, _ in pairs]
    weights = [weight for _, weight in pairs]
    return rng.choices(values, weights=weights, k=1)[0]


def _charm(value: Decimal, currency: str) -> Decimal:
    """Round a converted price to a shelf price (x.99, or ...80 for JPY)."""
    if currency == "JPY":
        return (value / 100).to_integral_value() * 100 - 20
    return value.to_integral_value() - Decimal("0.01")


# ---------------------------------------------------------------------------
# Catalogue and sellers
# ---------------------------------------------------------------------------


@dataclass
class Product:
    """A seller SKU: one ASIN, titles per language, prices and channel per market."""

    sku: str
    asin: str
    titles: dict[str, str]
    prices: dict[str, Decimal] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)  # market -> AMAZON/MERCHANT


@dataclass
class Seller:
    """A generated seller and its catalogue."""

    seller_id: str
    region: str
    name: str
    refresh_token: str
    markets: tuple[str, ...]
    pii: bool
    products: list[Product]


def _make_catalogue(rng: random.Random, region: str, asins: set[str]) -> list[Product]:
    markets = [code for code, _ in REGIONS[region]["marketplaces"]]
    if region == "NA":
        raw = [(sku, {"en": title}, price) for sku, title, price in NA_PRODUCTS]
    elif region == "EU":
        raw = list(EU_PRODUCTS)
    else:
        raw = [(sku, {"ja": title}, price) for sku, title, price in FE_PRODUCTS]
    products = []
    for index, (sku, titles, base) in enumerate(raw):
        asin = "B0" + _pattern(rng, "XXXXXXXX")
        while asin in asins:
            asin = "B0" + _pattern(rng, "XXXXXXXX")
        asins.add(asin)
        product = Product(sku, asin, titles)
        channel = "AMAZON" if index % 2 == 0 else "MERCHANT"
        sold = [markets[0]] + [m for m in markets[1:] if rng.random() < 0.6]
        for market in sold:
            mkt = MARKETPLACES[market]
            price = Decimal(base) * PRICE_FACTOR[market]
            if market in ("US", "DE", "JP"):
                product.prices[market] = Decimal(base)
            else:
                product.prices[market] = _charm(price, mkt.currency)
            product.channels[market] = channel
        products.append(product)
    # A few SKUs are FBA on their home marketplace and FBM on another one.
    multi = [p for p in products if len(p.channels) > 1]
    for product in multi[:3]:
        other = sorted(product.channels)[-1]
        product.channels[other] = (
            "MERCHANT" if product.channels[other] == "AMAZON" else "AMAZON"
        )
    # Every marketplace offers both channels (bounded fix-up).
    for market in markets:
        for wanted in ("AMAZON", "MERCHANT"):
            offered = [p for p in products if p.channels.get(market) == wanted]
            missing = 2 - len(offered)
            for product in products:
                if missing <= 0:
                    break
                if market not in product.channels:
                    mkt = MARKETPLACES[market]
                    base = next(price for price in product.prices.values())
                    product.prices[market] = _charm(
                        base * PRICE_FACTOR[market], mkt.currency
                    )
                    product.channels[market] = wanted
                    missing -= 1
    return products


def _make_sellers(rng: random.Random) -> tuple[dict, list[Seller]]:
    client_id = "amzn1.application-oa2-client." + "".join(
        rng.choice("0123456789abcdef") for _ in range(32)
    )
    application = {
        "clientId": client_id,
        "clientSecret": "amzn1.oa2-cs.v1."
        + "".join(rng.choice("0123456789abcdef") for _ in range(64)),
    }
    sellers = []
    asins: set[str] = set()
    used_ids: set[str] = set()
    token_chars = string.ascii_letters + string.digits + "-_"
    for region in ("NA", "EU", "FE"):
        seller_id = "A" + _pattern(rng, "XXXXXXXXXXXXX")
        while seller_id in used_ids:
            seller_id = "A" + _pattern(rng, "XXXXXXXXXXXXX")
        used_ids.add(seller_id)
        token = "Atzr|IwEBI" + "".join(rng.choice(token_chars) for _ in range(180))
        sellers.append(
            Seller(
                seller_id=seller_id,
                region=region,
                name=f"Demo {region} seller",
                refresh_token=token,
                markets=tuple(code for code, _ in REGIONS[region]["marketplaces"]),
                pii=REGIONS[region]["pii"],
                products=_make_catalogue(rng, region, asins),
            )
        )
    return application, sellers


# ---------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------


@dataclass
class _Line:
    """Money of one item before formatting (gross for VAT markets, else net)."""

    product: Product
    quantity: int
    unit: Decimal
    shipping: Decimal = Decimal(0)
    gift_wrap: Decimal = Decimal(0)
    item_discount: Decimal = Decimal(0)  # negative
    shipping_discount: Decimal = Decimal(0)  # negative
    promotions: list[str] = field(default_factory=list)
    gift_level: str | None = None
    gift_message: str | None = None
    business_price: bool = False
    cancelled: tuple[str, str] | None = None
    cancel_request: str | None = None
    shipped: int = 0


def item_money(
    line: _Line, market: Marketplace, tax_rate: Decimal, vat_inside_item: bool
) -> tuple[dict, Decimal]:
    """Compute an item's ``proceeds`` object for one reading.

    Returns ``(proceeds, item_breakdown)``. VAT markets price gross: each
    component's VAT is ``round(gross * r / (100 + r))``; sales-tax markets price
    net: each component's tax is ``round(net * r / 100)``.
    """
    cur = market.currency
    vat = market.vat_rate is not None
    parts = {
        "ITEM": line.unit * line.quantity,
        "SHIPPING": line.shipping,
        "GIFT_WRAP": line.gift_wrap,
        "DISCOUNT_ITEM": line.item_discount,
        "DISCOUNT_SHIPPING": line.shipping_discount,
    }
    tax, shown = {}, {}
    for key, value in parts.items():
        if vat:
            tax[key] = rnd(value * tax_rate / (100 + tax_rate), cur)
            shown[key] = value if vat_inside_item else value - tax[key]
        else:
            tax[key] = rnd(value * tax_rate / 100, cur)
            shown[key] = value
    breakdowns = [{"type": "ITEM", "subtotal": money(shown["ITEM"], cur)}]
    if line.shipping:
        breakdowns.append(
            {"type": "SHIPPING", "subtotal": money(shown["SHIPPING"], cur)}
        )
    if line.gift_wrap:
        breakdowns.append(
            {"type": "GIFT_WRAP", "subtotal": money(shown["GIFT_WRAP"], cur)}
        )
    if line.item_discount or line.shipping_discount:
        details = []
        if line.item_discount:
            details.append(
                {"subtype": "ITEM", "value": money(shown["DISCOUNT_ITEM"], cur)}
            )
        if line.shipping_discount:
            details.append(
                {"subtype": "SHIPPING", "value": money(shown["DISCOUNT_SHIPPING"], cur)}
            )
        breakdowns.append(
            {
                "type": "DISCOUNT",
                "subtotal": money(
                    shown["DISCOUNT_ITEM"] + shown["DISCOUNT_SHIPPING"], cur
                ),
                "detailedBreakdowns": details,
            }
        )
    tax_item = tax["ITEM"] + tax["DISCOUNT_ITEM"]
    tax_ship = tax["SHIPPING"] + tax["DISCOUNT_SHIPPING"]
    details = [{"subtype": "ITEM", "value": money(tax_item, cur)}]
    if line.shipping:
        details.append({"subtype": "SHIPPING", "value": money(tax_ship, cur)})
    if line.gift_wrap:
        details.append({"subtype": "GIFT_WRAP", "value": money(tax["GIFT_WRAP"], cur)})
    breakdowns.append(
        {
            "type": "TAX",
            "subtotal": money(tax_item + tax_ship + tax["GIFT_WRAP"], cur),
            "detailedBreakdowns": details,
        }
    )
    total = sum(
        (
            Decimal(entry["subtotal"]["amount"])
            for entry in breakdowns
            if not (vat and vat_inside_item and entry["type"] == "TAX")
        ),
        Decimal(0),
    )
    proceeds = {"proceedsTotal": money(total, cur), "breakdowns": breakdowns}
    return proceeds, shown["ITEM"]


def _order_proceeds(items: list[dict], currency: str, tax_included: bool) -> dict:
    totals: dict[str, Decimal] = {}
    for item in items:
        for entry in item["proceeds"]["breakdowns"]:
            totals[entry["type"]] = totals.get(entry["type"], Decimal(0)) + Decimal(
                entry["subtotal"]["amount"]
            )
    order_types = [
        t for t in ("ITEM", "SHIPPING", "GIFT_WRAP", "DISCOUNT", "TAX") if t in totals
    ]
    grand = sum(
        (totals[t] for t in order_types if not (tax_included and t == "TAX")),
        Decimal(0),
    )
    return {
        "grandTotal": money(grand, currency),
        "breakdowns": [
            {"type": t, "subtotal": money(totals[t], currency)} for t in order_types
        ],
    }


@dataclass
class _Customer:
    buyer: dict
    address: dict
    tax: dict | None
    business: bool
    tax_rate: Decimal


class _Builder:
    """Stateful order factory (ids, customers) around one ``random.Random``."""

    def __init__(self, rng: random.Random, start: datetime, vat_inside_item: bool):
        self.rng = rng
        self.start = start
        self.limit = start - timedelta(minutes=5)
        self.vat_inside_item = vat_inside_item
        self.order_ids: set[str] = set()
        self.item_ids: set[str] = set()

    # -- identifiers -------------------------------------------------------
    def order_id(self, market: Marketplace) -> str:
        for _ in range(1000):
            value = (
                f"{self.rng.choice(market.order_prefixes)}-"
                f"{self.rng.randrange(10**7):07d}-{self.rng.randrange(10**7):07d}"
            )
            if value not in self.order_ids:
                self.order_ids.add(value)
                return value
        raise RuntimeError("could not draw a unique order id")

    def item_id(self) -> str:
        for _ in range(1000):
            value = f"{self.rng.randrange(10**13, 10**14)}"
            if value not in self.item_ids:
                self.item_ids.add(value)
                return value
        raise RuntimeError("could not draw a unique item id")

    # -- people ------------------------------------------------------------
    def customer(self, market: Marketplace, business: bool) -> _Customer:
        rng = self.rng
        code = market.code
        first = rng.choice(NAMES[code][0])
        last = rng.choice(NAMES[code][1])
        if code == "JP":
            name = f"{last} {first}"
        elif code == "ES":
            name = f"{first} {last} {rng.choice(NAMES[code][1])}"
        else:
            name = f"{first} {last}"
        tax_rate = market.vat_rate or Decimal(0)
        if code == "US":
            city, state, postal, rate, area = rng.choice(US_CITIES)
            tax_rate = Decimal(rate)
            phone = f"+1 {area}-555-01{rng.randrange(100):02d}"
        elif code == "CA":
            city, state, postal, rate, area = rng.choice(CA_CITIES)
            tax_rate = Decimal(rate)
            phone = f"+1 {area}-555-01{rng.randrange(100):02d}"
        else:
            city, state, postal = rng.choice(CITIES[code])
            phone = {
                "UK": "+44 7700 900###",
                "DE": "+49 15# ########",
                "FR": "+33 6 ## ## ## ##",
                "IT": "+39 3## ### ####",
                "ES": "+34 6## ### ###",
                "PL": "+48 5## ### ###",
                "JP": "+81 90-####-####",
            }[code]
            phone = _pattern(rng, phone)
        street = rng.choice(STREETS[code])
        number = rng.randrange(1, 250)
        if code in ("US", "CA", "UK") or code == "FR":
            line1 = f"{number} {street}"
        elif code == "JP":
            block = f"{rng.randrange(1, 6)}-{rng.randrange(1, 30)}"
            line1 = f"{street}{block}-{number % 20 + 1}"
        else:
            line1 = f"{street} {number}"
        address = {"name": name}
        company = rng.choice(COMPANIES[code]) if business else None
        if company:
            address["companyName"] = company
        address["addressLine1"] = line1
        if rng.random() < 0.25:
            address["addressLine2"] = {
                "US": f"Apt {rng.randrange(1, 40)}{rng.choice('ABCD')}",
                "CA": f"Unit {rng.randrange(100, 2500)}",
                "UK": f"Flat {rng.randrange(1, 12)}",
                "DE": f"{rng.randrange(1, 5)}. OG",
                "FR": f"Bâtiment {rng.choice('ABC')}",
                "IT": f"Scala {rng.choice('ABC')}, interno {rng.randrange(1, 20)}",
                "ES": f"{rng.randrange(1, 8)}º {rng.choice('ABCD')}",
                "PL": f"m. {rng.randrange(1, 80)}",
                "JP": f"グランハイツ {rng.randrange(1, 9)}0{rng.randrange(1, 9)}",
            }[code]
        address["city"] = city
        if state:
            address["stateOrRegion"] = state
        address["postalCode"] = postal
        address["countryCode"] = market.country
        address["phone"] = phone
        address["addressType"] = "COMMERCIAL" if business else "RESIDENTIAL"
        local = "".join(
            rng.choice(string.ascii_lowercase + string.digits)
            for _ in range(rng.randrange(12, 17))
        )
        buyer = {"buyerName": name, "buyerEmail": f"{local}@{market.email_domain}"}
        tax = None
        if business:
            buyer["buyerCompanyName"] = company
            if rng.random() < 0.5:
                buyer["buyerPurchaseOrderNumber"] = _pattern(rng, "PO-2026-#####")
            if code in VAT_FORMATS:
                tax = {
                    "taxRegistrations": [
                        {
                            "entityType": "BUYER",
                            "legalName": company,
                            "taxRegistrationType": "VAT",
                            "taxRegistrationNumber": _pattern(rng, VAT_FORMATS[code]),
                        }
                    ],
                    "taxInvoicing": {"buyerInvoicePreference": "BUSINESS"},
                }
        return _Customer(buyer, address, tax, business, tax_rate)

    # -- times -------------------------------------------------------------
    def later(self, base: datetime, low_minutes: int, high_minutes: int) -> datetime:
        value = base + timedelta(
            seconds=self.rng.randrange(low_minutes * 60, high_minutes * 60 + 1)
        )
        return max(base, min(value, self.limit))

    # -- statuses ----------------------------------------------------------
    def status(self, channel: str, age: timedelta) -> str:
        rng = self.rng
        if channel == "AMAZON":
            if age < timedelta(hours=2):
                return _weighted(
                    rng, (("PENDING", 30), ("UNSHIPPED", 65), ("CANCELLED", 5))
                )
            if age < timedelta(days=2):
                return _weighted(
                    rng,
                    (
                        ("SHIPPED", 55),
                        ("UNSHIPPED", 30),
                        ("PENDING", 7),
                        ("CANCELLED", 8),
                    ),
                )
            return _weighted(
                rng,
                (("SHIPPED", 87), ("UNSHIPPED", 3), ("PENDING", 2), ("CANCELLED", 8)),
            )
        if age < timedelta(hours=12):
            return _weighted(
                rng,
                (("UNSHIPPED", 80), ("PENDING", 12), ("CANCELLED", 5), ("SHIPPED", 3)),
            )
        return _weighted(
            rng,
            (
                ("UNSHIPPED", 50),
                ("SHIPPED", 25),
                ("PARTIALLY_SHIPPED", 7),
                ("PENDING", 5),
                ("CANCELLED", 13),
            ),
        )

    # -- one order ---------------------------------------------------------
    def order(
        self,
        seller: Seller,
        market: Marketplace,
        channel: str,
        created: datetime,
        status: str,
        replacement_of: dict | None = None,
        last_updated: datetime | None = None,
    ) -> dict:
        """Build one v2026 ``Order`` (plus private ``_meta`` used for events)."""
        rng = self.rng
        products = [
            p for p in seller.products if p.channels.get(market.code) == channel
        ]
        if replacement_of is not None:
            customer = replacement_of["_meta"]["customer"]
            business = customer.business
        else:
            business = rng.random() < 0.08
            customer = self.customer(market, business)
        prime = replacement_of is None and (
            rng.random() < (0.65 if channel == "AMAZON" else 0.12)
        )
        lines = self._lines(
            rng, products, market, channel, status, prime, business, replacement_of
        )
        pending = status == "PENDING"
        if status == "PARTIALLY_SHIPPED" and sum(x.quantity for x in lines) < 2:
            status = "SHIPPED"  # a single unit cannot ship partially
        executions = (
            CANCEL_EXECUTION
            if channel == "MERCHANT"
            else (("BUYER", "BuyerCanceled"), ("AMAZON", "NoInventory"))
        )
        # partial cancellation, buyer cancellation requests, shipping
        if (
            status in ("UNSHIPPED", "SHIPPED")
            and len(lines) >= 2
            and replacement_of is None
            and rng.random() < 0.06
        ):
            lines[-1].cancelled = rng.choice(executions[:3])
        if status == "CANCELLED":
            by, reason = rng.choice(executions)
            if channel == "MERCHANT" and by == "BUYER":
                lines[0].cancel_request = rng.choice(BUYER_CANCEL_REASONS)
            for line in lines:
                line.cancelled = (by, reason)
        if (
            channel == "MERCHANT"
            and status == "UNSHIPPED"
            and replacement_of is None
            and rng.random() < 0.06
        ):
            rng.choice(lines).cancel_request = rng.choice(BUYER_CANCEL_REASONS)
        if status == "SHIPPED":
            for line in lines:
                line.shipped = 0 if line.cancelled else line.quantity
        if status == "PARTIALLY_SHIPPED":
            self._partial_shipment(lines)

        if last_updated is None:
            low, high = {
                "PENDING": (0, 10),
                "UNSHIPPED": (1, 45),
                "SHIPPED": (240, 2880),
                "PARTIALLY_SHIPPED": (240, 2160),
                "CANCELLED": (10, 1440),
            }[status]
            last_updated = self.later(created, low, high)
        order_id = self.order_id(market)
        items = []
        for line in lines:
            items.append(self._item(line, market, customer, pending, replacement_of))
        order: dict = {"orderId": order_id}
        if channel == "MERCHANT" and replacement_of is None and rng.random() < 0.1:
            order["orderAliases"] = [
                {
                    "aliasId": f"{market.code}-{created:%Y%m%d}-"
                    f"{rng.randrange(10**5):05d}",
                    "aliasType": "SELLER_ORDER_ID",
                }
            ]
        order["createdTime"] = iso(created)
        order["lastUpdatedTime"] = iso(last_updated)
        programs = []
        if business:
            programs.append("AMAZON_BUSINESS")
        if prime:
            programs.append("PRIME")
        order["programs"] = programs
        if replacement_of is not None:
            order["associatedOrders"] = [
                {
                    "orderId": replacement_of["orderId"],
                    "associationType": "REPLACEMENT_ORIGINAL_ID",
                }
            ]
        order["salesChannel"] = {
            "channelName": "AMAZON",
            "marketplaceId": market.marketplace_id,
            "marketplaceName": market.name,
        }
        buyer = dict(customer.buyer)
        if channel == "AMAZON":
            buyer.pop("buyerEmail", None)  # only available for FBM orders
        order["buyer"] = buyer
        if status not in ("PENDING", "CANCELLED"):
            address = dict(customer.address)
            if channel == "AMAZON":
                address.pop("phone", None)  # suppressed for FBA orders
            order["recipient"] = {"deliveryAddress": address}
        if not pending:
            order["proceeds"] = _order_proceeds(
                items,
                market.currency,
                self.vat_inside_item and market.vat_rate is not None,
            )
        if customer.tax:
            order["tax"] = customer.tax
        order["fulfillment"] = self._fulfillment(
            channel, status, created, prime, market
        )
        order["orderItems"] = items
        if channel == "MERCHANT" and any(line.shipped for line in lines):
            order["packages"] = [
                self.package(seller, market, lines, items, created, last_updated)
            ]
        order["_meta"] = {
            "customer": customer,
            "lines": lines,
            "seller": seller,
            "market": market,
            "channel": channel,
        }
        return order

    def _lines(
        self, rng, products, market, channel, status, prime, business, replacement_of
    ) -> list[_Line]:
        if replacement_of is not None:
            original = replacement_of["_meta"]["lines"][0]
            return [_Line(product=original.product, quantity=1, unit=Decimal(0))]
        count = int(
            _weighted(rng, (("1", 55), ("2", 25), ("3", 12), ("4", 5), ("5", 3)))
        )
        chosen = rng.sample(products, min(count, len(products)))
        lines = []
        for index, product in enumerate(chosen):
            quantity = int(
                _weighted(
                    rng, (("1", 55), ("2", 25), ("3", 10), ("4", 5), ("5", 3), ("6", 2))
                )
            )
            unit = product.prices[market.code]
            line = _Line(product=product, quantity=quantity, unit=unit)
            if business and rng.random() < 0.5:
                line.unit = rnd(unit * Decimal("0.95"), market.currency)
                line.business_price = True
            if not prime and index == 0 and rng.random() < 0.7:
                line.shipping = market.shipping_fee
                if rng.random() < 0.2:
                    line.shipping_discount = -line.shipping
                    line.promotions.append(f"FREE-SHIPPING-{market.code}-2026")
            if rng.random() < 0.12:
                pct = Decimal(rng.choice((10, 15, 20))) / 100
                line.item_discount = -rnd(line.unit * quantity * pct, market.currency)
                line.promotions.append(f"{rng.choice(PROMOTIONS)}-{market.code}")
            if rng.random() < 0.04:
                line.gift_wrap = market.gift_wrap_fee * quantity
                line.gift_level = rng.choice(("STANDARD", "STANDARD", "PREMIUM"))
                if rng.random() < 0.6:
                    line.gift_message = rng.choice(GIFT_MESSAGES[market.language])
            lines.append(line)
        return lines

    def _partial_shipment(self, lines: list[_Line]) -> None:
        units = sum(line.quantity for line in lines)
        if units < 2:  # nothing to split: the whole order shipped
            for line in lines:
                line.shipped = line.quantity
            return
        if len(lines) >= 2:
            lines[0].shipped = lines[0].quantity
        else:
            lines[0].shipped = self.rng.randrange(1, lines[0].quantity)

    def _item(
        self,
        line: _Line,
        market: Marketplace,
        customer: _Customer,
        pending: bool,
        replacement_of: dict | None,
    ) -> dict:
        cur = market.currency
        product = line.product
        item: dict = {
            "orderItemId": self.item_id(),
            "quantityOrdered": line.quantity,
            "measurement": {"unit": "COUNT", "value": line.quantity},
        }
        if replacement_of is not None:
            original_item = replacement_of["orderItems"][0]
            item["associatedOrderItems"] = [
                {
                    "orderId": replacement_of["orderId"],
                    "orderItemId": original_item["orderItemId"],
                    "associationType": "REPLACEMENT_ORIGINAL_ID",
                }
            ]
        title = product.titles.get(market.language) or next(
            iter(product.titles.values())
        )
        item["product"] = {
            "asin": product.asin,
            "title": title,
            "sellerSku": product.sku,
            "condition": {
                "conditionType": "NEW",
                "conditionSubtype": "NEW",
                "conditionNote": "",
            },
        }
        taxed = not (pending or replacement_of is not None)
        if not pending:
            if replacement_of is not None:
                proceeds = {
                    "proceedsTotal": money(0, cur),
                    "breakdowns": [{"type": "ITEM", "subtotal": money(0, cur)}],
                }
                item_amount = Decimal(0)
            else:
                proceeds, item_amount = item_money(
                    line, market, customer.tax_rate, self.vat_inside_item
                )
            price = {"unitPrice": money(item_amount / line.quantity, cur)}
            if line.business_price:
                price["priceDesignation"] = "BUSINESS_PRICE"
            item["product"]["price"] = price
            if line.cancelled:
                proceeds = {
                    "proceedsTotal": money(0, cur),
                    "breakdowns": [{"type": "ITEM", "subtotal": money(0, cur)}],
                }
            item["proceeds"] = proceeds
        if market.code == "JP" and taxed and not line.cancelled:
            points = int(line.unit * line.quantity / 100)
            if points:
                item["expense"] = {
                    "pointsCost": {
                        "pointsGranted": {
                            "pointsNumber": points,
                            "pointsMonetaryValue": money(points, cur),
                        }
                    }
                }
        if line.promotions and taxed and not line.cancelled:
            item["promotion"] = {
                "breakdowns": [{"promotionId": pid} for pid in line.promotions]
            }
        cancellation = {}
        if line.cancel_request:
            cancellation["cancellationRequest"] = {
                "requester": "BUYER",
                "cancelReason": line.cancel_request,
            }
        if line.cancelled:
            cancellation["cancellationExecution"] = {
                "cancelledBy": line.cancelled[0],
                "cancelReason": line.cancelled[1],
            }
        if cancellation:
            item["cancellation"] = cancellation
        fulfillment: dict = {
            "quantityFulfilled": line.shipped,
            "quantityUnfulfilled": 0
            if line.cancelled
            else line.quantity - line.shipped,
        }
        if line.gift_level and not pending:
            gift = {"giftWrapLevel": line.gift_level}
            if line.gift_message:
                gift["giftMessage"] = line.gift_message
            fulfillment["packing"] = {"giftOption": gift}
        item["fulfillment"] = fulfillment
        if market.vat_rate is None and taxed:
            item["tax"] = {
                "taxCollections": [
                    {
                        "model": "MARKETPLACE_FACILITATOR",
                        "responsibleParty": "Amazon Services LLC",
                    }
                ]
            }
        return item

    def _fulfillment(self, channel, status, created, prime, market) -> dict:
        rng = self.rng
        level = "STANDARD"
        if prime and channel == "AMAZON":
            level = rng.choice(("STANDARD", "SECOND_DAY", "NEXT_DAY"))
        elif rng.random() < 0.15:
            level = "EXPEDITED"
        result = {
            "fulfillmentStatus": status,
            "fulfilledBy": channel,
            "fulfillmentServiceLevel": level,
        }
        day = created.replace(hour=0, minute=0, second=0)
        handling = 1 if level != "STANDARD" else rng.choice((1, 2, 2, 3))
        ship_end = day + timedelta(days=handling, hours=23, minutes=59, seconds=59)
        result["shipByWindow"] = {
            "earliestDateTime": iso(created),
            "latestDateTime": iso(ship_end),
        }
        if channel == "MERCHANT":
            transit = {"US": 4, "CA": 5, "JP": 2}.get(market.code, 3)
            result["deliverByWindow"] = {
                "earliestDateTime": iso(day + timedelta(days=handling + 1)),
                "latestDateTime": iso(ship_end + timedelta(days=transit)),
            }
        return result

    def package(
        self,
        seller: Seller,
        market: Marketplace,
        lines: list[_Line],
        items: list[dict],
        created: datetime,
        shipped_at: datetime,
        all_unshipped: bool = False,
    ) -> dict:
        """A Seller Central package for the shipped units of ``lines``."""
        rng = self.rng
        if market.code == "JP":
            carriers = CARRIERS["JP"]
        elif market.code in ("US", "CA", "UK"):
            carriers = CARRIERS[market.code]
        else:
            carriers = CARRIERS["EU"]
        carrier, service, template = rng.choice(carriers)
        warehouse = WAREHOUSES["UK" if market.code == "UK" else seller.region]
        package_items = []
        for line, item in zip(lines, items, strict=True):
            quantity = (line.quantity - line.shipped) if all_unshipped else line.shipped
            if line.cancelled:
                quantity = 0
            if quantity:
                package_items.append(
                    {"orderItemId": item["orderItemId"], "quantity": quantity}
                )
        label_time = max(
            created, shipped_at - timedelta(minutes=rng.randrange(20, 240))
        )
        return {
            "packageReferenceId": f"{rng.randrange(10**9, 10**10)}",
            "createdTime": iso(label_time),
            "packageStatus": {"status": "IN_TRANSIT", "detailedStatus": "PICKED_UP"},
            "carrier": carrier,
            "shipTime": iso(shipped_at),
            "shippingService": service,
            "trackingNumber": _pattern(rng, template),
            "shipFromAddress": dict(warehouse),
            "packageItems": package_items,
        }


# ---------------------------------------------------------------------------
# Scenario
# ---------------------------------------------------------------------------


def generate(
    orders: int = 1000,
    seed: int = 42,
    vat_inside_item: bool = False,
    start: str = "2026-11-01T12:00:00Z",
    *,
    days: int = 14,
    events: int | None = None,
    name: str | None = None,
) -> dict:
    """Generate a scenario dict (format ``spapi-sandbox/scenario@1``).

    Args:
        orders: number of orders in ``scenario["orders"]`` (replacement orders
            included; orders created by events come on top).
        seed: seed of the single ``random.Random`` driving every choice.
        vat_inside_item: emit the "VAT inside ITEM" money reading on VAT
            marketplaces (EU, UK, JP): ITEM/SHIPPING/GIFT_WRAP/DISCOUNT include
            VAT, TAX is informational and ``grandTotal`` excludes it. The random
            draws are the same, so both readings describe the same orders and
            have the same grand totals.
        start: sandbox clock start, ISO-8601 UTC. Orders are created in the
            ``days`` before it; every createdTime/lastUpdatedTime is at most
            ``start - 5 min``. Events happen after ``start``.
        days: length of the order history window in days.
        events: number of timed events (default ``max(6, min(30, orders//50))``).
        name: scenario name (default ``gen-<orders>-<seed>[-vatin]``).

    Returns:
        The scenario dict: ``format, name, seed, clock, applications, sellers,
        orders[{sellerId, order}], events, faults, inventory, listings``.
        Amounts are decimal strings; datetimes ISO-8601 UTC.
    """
    if orders < 0:
        raise ValueError("orders must be >= 0")
    rng = random.Random(seed)
    start_dt = parse_time(start)
    application, sellers = _make_sellers(rng)
    builder = _Builder(rng, start_dt, vat_inside_item)
    window = int(timedelta(days=days).total_seconds()) - 10 * 60
    offsets = sorted(rng.randrange(10 * 60, window) for _ in range(orders))
    seller_weights = [(s, REGIONS[s.region]["weight"]) for s in sellers]
    built: list[dict] = []
    shipped_by_seller: dict[str, list[dict]] = {s.seller_id: [] for s in sellers}
    for offset in reversed(offsets):  # chronological
        created = start_dt - timedelta(seconds=offset)
        seller = rng.choices(
            [s for s, _ in seller_weights], weights=[w for _, w in seller_weights], k=1
        )[0]
        candidates = [
            o
            for o in shipped_by_seller[seller.seller_id]
            if created - parse_time(o["createdTime"]) > timedelta(days=1)
        ]
        if candidates and rng.random() < 0.015:
            original = rng.choice(candidates)
            meta = original["_meta"]
            channel = meta["channel"]
            status = "SHIPPED" if channel == "AMAZON" else "UNSHIPPED"
            if created > start_dt - timedelta(hours=6):
                status = "UNSHIPPED"
            order = builder.order(
                seller,
                meta["market"],
                channel,
                created,
                status,
                replacement_of=original,
            )
        else:
            market = MARKETPLACES[
                _weighted(rng, REGIONS[seller.region]["marketplaces"])
            ]
            channel = "AMAZON" if rng.random() < 0.55 else "MERCHANT"
            status = builder.status(channel, start_dt - created)
            order = builder.order(seller, market, channel, created, status)
            if status == "SHIPPED":
                shipped_by_seller[seller.seller_id].append(order)
        built.append(order)
    event_list = _events(
        builder,
        built,
        shipped_by_seller,
        sellers,
        start_dt,
        events if events is not None else max(6, min(30, orders // 50)),
    )
    scenario = {
        "format": FORMAT,
        "name": name or f"gen-{orders}-{seed}" + ("-vatin" if vat_inside_item else ""),
        "seed": seed,
        "clock": {"start": iso(start_dt)},
        "applications": [application],
        "sellers": [
            {
                "sellerId": s.seller_id,
                "name": s.name,
                "region": s.region,
                "clientId": application["clientId"],
                "refreshToken": s.refresh_token,
                "marketplaceIds": [MARKETPLACES[m].marketplace_id for m in s.markets],
                "roles": ["PII"] if s.pii else [],
            }
            for s in sellers
        ],
        "orders": [
            {"sellerId": o["_meta"]["seller"].seller_id, "order": _public(o)}
            for o in built
        ],
        "events": event_list,
        "faults": [],
    }
    scenario["inventory"], scenario["listings"] = _stock(seed, sellers, start_dt)
    return scenario


#: Product types by SKU keyword (first match), else ``HOME``.
PRODUCT_TYPES = (
    (("WB", "BTL", "BOTTLE"), "BOTTLE"),
    (("CB-", "CB-BAM"), "CUTTING_BOARD"),
    (("USBC", "CBL"), "ELECTRONIC_CABLE"),
    (("MSE",), "COMPUTER_INPUT_DEVICE"),
    (("SKL", "PAN", "KETTLE", "FP-"), "COOKWARE"),
    (("YM-", "YOGA", "RB-"), "EXERCISE_MAT"),
    (("LMP", "LAMP"), "LAMP"),
    (("TOY",), "TOY_BUILDING_BLOCK"),
    (("BP-",), "BACKPACK"),
    (("TP-", "PILLOW"), "PILLOW"),
)


def product_type(sku: str) -> str:
    """A plausible Amazon product type for a generated SKU."""
    for keywords, kind in PRODUCT_TYPES:
        if any(keyword in sku for keyword in keywords):
            return kind
    return "HOME"


def _stock(seed, sellers: list[Seller], start: datetime) -> tuple[list, list]:
    """FBA ``inventory`` (one record per FBA SKU and network) and ``listings``
    (every SKU on every marketplace it is sold on: ``DEFAULT`` with a quantity
    for FBM, ``AMAZON_<network>`` for FBA).

    A separate ``random.Random`` seeded from ``seed`` drives it, so the orders
    and events (and their manifest) are the same as without stock.
    """
    rng = random.Random(f"stock:{seed}")
    inventory, listings = [], []
    for seller in sellers:
        home = MARKETPLACES[seller.markets[0]]
        for product in seller.products:
            kind = product_type(product.sku)
            for market in seller.markets:
                channel = product.channels.get(market)
                if channel is None:
                    continue
                listing = {
                    "sellerId": seller.seller_id,
                    "sku": product.sku,
                    "marketplaceId": MARKETPLACES[market].marketplace_id,
                    "productType": kind,
                }
                if channel == "MERCHANT":
                    listing["fulfillmentChannel"] = "DEFAULT"
                    listing["quantity"] = rng.choice((0, 1, 2, 3, 5, 8, 12, 20, 35))
                else:
                    listing["fulfillmentChannel"] = f"AMAZON_{seller.region}"
                listings.append(listing)
            if "AMAZON" not in product.channels.values():
                continue
            fulfillable = rng.choice((0, 3, 12, 25, 40, 80, 150, 300))
            reserved = [rng.choice((0, 0, 1, 2, 4)) for _ in range(3)]
            damaged = rng.choice((0, 0, 0, 1, 2))
            updated = start - timedelta(minutes=rng.randrange(10, 14 * 24 * 60))
            inventory.append(
                {
                    "sellerId": seller.seller_id,
                    "sellerSku": product.sku,
                    "fnSku": "X00" + _pattern(rng, "XXXXXXX"),
                    "asin": product.asin,
                    "condition": "NewItem",
                    "productName": product.titles.get(home.language)
                    or next(iter(product.titles.values())),
                    "network": seller.region,
                    "fulfillableQuantity": fulfillable,
                    "inboundWorkingQuantity": rng.choice((0, 0, 0, 10, 24)),
                    "inboundShippedQuantity": rng.choice((0, 0, 0, 12, 48)),
                    "inboundReceivingQuantity": rng.choice((0, 0, 0, 0, 6)),
                    "reservedQuantity": {
                        "totalReservedQuantity": sum(reserved),
                        "pendingCustomerOrderQuantity": reserved[0],
                        "pendingTransshipmentQuantity": reserved[1],
                        "fcProcessingQuantity": reserved[2],
                    },
                    "unfulfillableQuantity": {
                        "totalUnfulfillableQuantity": damaged,
                        "customerDamagedQuantity": damaged,
                    },
                    "lastUpdatedTime": iso(updated),
                }
            )
    return inventory, listings


def _public(order: dict) -> dict:
    return {key: value for key, value in order.items() if key != "_meta"}


EVENT_TYPES = (
    "package_shipped",
    "buyer_cancellation_request",
    "status_change",
    "item_cancellation",
    "replacement_order",
    "order_cancellation",
)


def _events(
    builder: _Builder,
    built: list[dict],
    shipped_by_seller: dict,
    sellers: list[Seller],
    start: datetime,
    count: int,
) -> list[dict]:
    """Timed events after ``start``; each targets a distinct order."""
    rng = builder.rng
    used: set[str] = set()

    def status_of(order):
        return order["fulfillment"]["fulfillmentStatus"]

    def unshipped_fbm(order):
        return (
            order["_meta"]["channel"] == "MERCHANT"
            and status_of(order) == "UNSHIPPED"
            and not order.get("associatedOrders")
            and not any(
                line.cancelled or line.cancel_request
                for line in order["_meta"]["lines"]
            )
        )

    pools = {
        "package_shipped": [o for o in built if unshipped_fbm(o)],
        "buyer_cancellation_request": [o for o in built if unshipped_fbm(o)],
        "item_cancellation": [
            o for o in built if unshipped_fbm(o) and len(o["orderItems"]) >= 2
        ],
        "order_cancellation": [o for o in built if unshipped_fbm(o)],
        "status_change": [
            o
            for o in built
            if o["_meta"]["channel"] == "AMAZON"
            and status_of(o) == "UNSHIPPED"
            and not any(line.cancelled for line in o["_meta"]["lines"])
        ],
        "replacement_order": [  # FBM: the replacement is imported when it comes
            o
            for s in sellers
            for o in shipped_by_seller[s.seller_id]
            if o["_meta"]["channel"] == "MERCHANT"
        ],
    }
    offsets = sorted(rng.randrange(2 * 60, 180 * 60) for _ in range(count))
    result = []
    for index, offset in enumerate(offsets):
        at = start + timedelta(seconds=offset)
        kind = EVENT_TYPES[index % len(EVENT_TYPES)]
        pool = [o for o in pools[kind] if o["orderId"] not in used]
        if not pool:
            continue
        order = rng.choice(pool)
        used.add(order["orderId"])
        event = {"at": iso(at), "orderId": order["orderId"], "type": kind}
        meta = order["_meta"]
        if kind == "status_change":
            event["fulfillmentStatus"] = "SHIPPED"
        elif kind == "buyer_cancellation_request":
            event["orderItemId"] = rng.choice(order["orderItems"])["orderItemId"]
            event["cancelReason"] = rng.choice(BUYER_CANCEL_REASONS)
        elif kind == "item_cancellation":
            event["orderItemId"] = order["orderItems"][-1]["orderItemId"]
        elif kind == "package_shipped":
            event["package"] = builder.package(
                meta["seller"],
                meta["market"],
                meta["lines"],
                order["orderItems"],
                parse_time(order["createdTime"]),
                at,
                all_unshipped=True,
            )
        elif kind == "replacement_order":
            channel = meta["channel"]
            new = builder.order(
                meta["seller"],
                meta["market"],
                channel,
                at,
                "UNSHIPPED",  # just created
                replacement_of=order,
                last_updated=at,
            )
            event["order"] = _public(new)  # event orderId: the original order
        result.append(event)
    return result


def write(path: str | Path, scenario: dict) -> tuple[Path, Path]:
    """Write ``scenario`` as JSON to ``path`` and its manifest beside it.

    The manifest goes to ``<stem>.manifest.json`` in the same folder (``stem``
    is the file name without ``.json``). Both files are UTF-8, deterministic
    bytes (see :func:`manifest.dump_bytes`). Returns ``(scenario_path,
    manifest_path)``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = manifest_mod.dump_bytes(scenario)
    path.write_bytes(data)
    stem = path.name[:-5] if path.name.endswith(".json") else path.name
    manifest_path = path.with_name(f"{stem}.manifest.json")
    built = manifest_mod.build(scenario, scenario_name=path.name, scenario_bytes=data)
    manifest_path.write_bytes(manifest_mod.dump_bytes(built))
    return path, manifest_path


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m spapi_sandbox.generator [options] OUT.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out",
        nargs="?",
        help="scenario JSON path (manifest written beside); "
        "default gen-<orders>-<seed>.json in the current directory",
    )
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--vat-inside-item", action="store_true")
    parser.add_argument("--start", default="2026-11-01T12:00:00Z")
    parser.add_argument("--days", type=int, default=14)
    args = parser.parse_args(argv)
    scenario = generate(
        orders=args.orders,
        seed=args.seed,
        vat_inside_item=args.vat_inside_item,
        start=args.start,
        days=args.days,
    )
    out = args.out or f"gen-{args.orders}-{args.seed}.json"
    scenario_path, manifest_path = write(out, scenario)
    print(f"wrote {scenario_path} and {manifest_path}", file=sys.stdout)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
