# cython: language_level=3, boundscheck=False, wraparound=False
"""The compiled twin of `normalize.normalize_submission` + `to_frames`: submissions straight into table columns.

The Python parser spends about 3 µs an element: a proxy object per node, a dict per row, a regex per header
line, then a pass that turns row dicts into columns. This reads the same bytes and the same libxml2 tree (through
lxml's public C API) and appends each value to its table's column as it is read. It reuses the Python parser's
declarations (shapes, header names, converters, guards) and its functions for what is rare or subtle, so there is
one definition of each rule; `tests/test_compiled_parser.py` checks that both give the same frames and failures.

A submission this reader does not take cleanly (any failure, any exception) is handed back to the caller, who
runs the Python parser on it: failures keep their exact reasons and details.
"""

import hashlib
import sys

from cpython.dict cimport PyDict_GetItem
from cpython.ref cimport PyObject
from cpython.datetime cimport date_new, import_datetime
from cpython.unicode cimport Py_UNICODE_ISSPACE, PyUnicode_AsUTF8, PyUnicode_DecodeLatin1, PyUnicode_DecodeUTF8

cimport lxml.includes.etreepublic as cetree
from lxml.includes cimport tree
from lxml.includes.etreepublic cimport _Element

from decimal import InvalidOperation

from lxml import etree

from transforms import ownership_xml
from transforms.accession import canonical_accession
from transforms.ownership_xml import MAX_XML_BYTES, ROOT, _parser, _strip_namespaces
from transforms.sgml import (
    _IGNORED_TAGS,
    _KNOWN_SECTIONS,
    _PARTY_LOOKUPS,
    FORMER_SECTIONS,
    KEY_ALIASES,
    ROLE_NAMES,
    SECTION_NAMES,
    _cik,
    _yyyymmdd,
    acceptance_time,
)

cetree.import_lxml__etree()
import_datetime()

cdef enum:
    LEAF = 0
    GROUP = 1
    BLOCK = 2
    DECIMAL_KIND = 1  # ownership_xml.VALUE_KINDS
    BOOL_KIND = 2
    DATE_KIND = 3

# The enum is the C-level copy of ownership_xml's codes (a switch needs constants): the two must never drift apart.
assert (LEAF, GROUP, BLOCK) == (ownership_xml.LEAF, ownership_xml.GROUP, ownership_xml.BLOCK)
assert ownership_xml.VALUE_KINDS.items() >= {"decimal": DECIMAL_KIND, "bool": BOOL_KIND, "date": DATE_KIND}.items()

cdef object _UNSET = object()  # a column no element has filled yet
cdef object _CONVERSION_ERRORS = (ValueError, InvalidOperation)
assert len(_PARTY_LOOKUPS) + 3 <= 64


class Declined(Exception):
    """The submission is not one this reader takes; the Python parser decides what it is."""


# ---------------------------------------------------------------------------------------------------- bytes


cdef inline bint _space(unsigned char c):
    """`str.isspace` for a Latin-1 character, as `str.strip` and the regex `\\s` read it."""
    return c == 32 or (9 <= c <= 13) or (28 <= c <= 31) or c == 0x85 or c == 0xA0


cdef inline bint _ascii_space(unsigned char c):
    """`bytes.strip`'s whitespace."""
    return c == 32 or (9 <= c <= 13)


cdef inline str _latin1(const unsigned char* text, Py_ssize_t start, Py_ssize_t end):
    return PyUnicode_DecodeLatin1(<const char*> text + start, end - start, NULL)


cdef extern from "string.h" nogil:
    void* memmem(const void* haystack, size_t haystack_size, const void* needle, size_t needle_size)
    void* memchr(const void* haystack, int byte, size_t size)
    int memcmp(const void* left, const void* right, size_t size)
    int strcmp(const char* left, const char* right)
    size_t strlen(const char* text)


cdef Py_ssize_t _find(const unsigned char* text, Py_ssize_t size, bytes needle, Py_ssize_t start):
    """`str.find` over Latin-1 text (which is `bytes.find` over its bytes) of `text[start:size]`."""
    if start < 0:
        start = 0
    if start >= size:
        return -1
    cdef const void* found = memmem(text + start, size - start, <const char*> needle, len(needle))
    return -1 if found is NULL else <const unsigned char*> found - text


cdef inline str _stripped(const unsigned char* text, Py_ssize_t start, Py_ssize_t end):
    while start < end and _space(text[start]):
        start += 1
    while end > start and _space(text[end - 1]):
        end -= 1
    return _latin1(text, start, end)


# --------------------------------------------------------------------------------------------- the header


cdef class _Party:
    cdef str role
    cdef dict sections
    cdef list former_names

    def __cinit__(self, str role):
        self.role = role
        self.sections = {}
        self.former_names = []


cdef class _HeaderReader:
    """`sgml._HeaderReader`, line for line."""

    cdef dict values
    cdef list parties
    cdef _Party party
    cdef object section
    cdef dict former

    def __cinit__(self):
        self.values = {}
        self.parties = []
        self.party = None
        self.section = None
        self.former = None

    cdef void open_role(self, str name) except *:
        self.party = _Party(ROLE_NAMES[name])
        self.parties.append(self.party)
        self.section = None

    cdef void open_section(self, str name) except *:
        self.section = name
        if name in FORMER_SECTIONS and self.party is not None:
            self.former = {}
            self.party.former_names.append(self.former)

    cdef void close(self, str name) except *:
        if name in ROLE_NAMES:
            self.party = None
            self.section = None
        elif SECTION_NAMES.get(name, name) == self.section:
            self.section = None

    cdef void assign(self, str key, str value) except *:
        key = KEY_ALIASES.get(key, key)
        if self.party is None:
            self.values.setdefault(key, value)
        elif self.section in FORMER_SECTIONS and self.former is not None:
            self.former[key] = value
        else:
            pairs = self.party.sections.get(self.section or "")
            if pairs is None:
                pairs = {}
                self.party.sections[self.section or ""] = pairs
            pairs[key] = value

    cdef void tag(self, bint closing, str name, str text) except *:
        if closing:
            self.close(name)
        elif name in _IGNORED_TAGS:
            return
        elif name in ROLE_NAMES:
            self.open_role(name)
        elif name in SECTION_NAMES:
            self.open_section(SECTION_NAMES[name])
        else:
            self.assign(name, text.strip())

    cdef void key_value(self, str key, str value) except *:
        if not value and key in ROLE_NAMES:
            self.open_role(key)
        elif not value and key in _KNOWN_SECTIONS:
            self.open_section(key)
        else:
            self.assign(key, value)


cdef inline bint _key_char(unsigned char c):
    """A character `sgml._KEY_VALUE` allows in a key after its first: A-Z 0-9 space & / ( ) . , ' -."""
    return (65 <= c <= 90) or (48 <= c <= 57) or c == 32 or c == 38 or c == 47 or c == 40 or c == 41 or c == 46 \
        or c == 44 or c == 39 or c == 45


cdef inline bint _tag_char(unsigned char c):
    return (65 <= c <= 90) or (48 <= c <= 57) or c == 45


cdef void _tags(const unsigned char* text, Py_ssize_t start, Py_ssize_t end, _HeaderReader reader) except *:
    """`sgml._TAG.findall` over one line, `<(/?)([A-Z][A-Z0-9-]*)>([^<]*)`, each match to `reader.tag`."""
    cdef Py_ssize_t at = start, name_start, name_end, text_end
    cdef bint closing
    while at < end:
        if text[at] != 60:  # '<'
            at += 1
            continue
        name_start = at + 1
        closing = name_start < end and text[name_start] == 47  # '/'
        if closing:
            name_start += 1
        if name_start >= end or not (65 <= text[name_start] <= 90):
            at += 1
            continue
        name_end = name_start + 1
        while name_end < end and _tag_char(text[name_end]):
            name_end += 1
        if name_end >= end or text[name_end] != 62:  # '>'
            at += 1
            continue
        text_end = name_end + 1
        while text_end < end and text[text_end] != 60:
            text_end += 1
        reader.tag(closing, _latin1(text, name_start, name_end), _latin1(text, name_end + 1, text_end))
        at = text_end


cdef void _key_value(const unsigned char* text, Py_ssize_t start, Py_ssize_t end, _HeaderReader reader) except *:
    """`sgml._KEY_VALUE.match(line.strip())`, `^([A-Z][A-Z0-9 &/().,'-]*?):\\s*(.*)$`, its groups stripped."""
    cdef Py_ssize_t colon, key_end, value_start
    while start < end and _space(text[start]):
        start += 1
    while end > start and _space(text[end - 1]):
        end -= 1
    if start >= end or not (65 <= text[start] <= 90):
        return
    colon = start + 1
    while colon < end and text[colon] != 58:  # ':'
        if not _key_char(text[colon]):
            return
        colon += 1
    if colon >= end:
        return
    key_end = colon
    while key_end > start and text[key_end - 1] == 32:
        key_end -= 1
    value_start = colon + 1
    while value_start < end and _space(text[value_start]):
        value_start += 1
    reader.key_value(_latin1(text, start, key_end), _latin1(text, value_start, end))


cdef _HeaderReader _read_header(const unsigned char* text, Py_ssize_t size):
    """`sgml.parse_header`: lines split at CR LF, CR or LF; tag lines and `KEY: value` lines."""
    cdef _HeaderReader reader = _HeaderReader()
    cdef Py_ssize_t start = 0, end
    cdef bint has_tag
    while start <= size:
        end = start
        has_tag = False
        while end < size and text[end] != 10 and text[end] != 13:
            if text[end] == 60:
                has_tag = True
            end += 1
        if has_tag:
            _tags(text, start, end, reader)
        else:
            _key_value(text, start, end, reader)
        if end >= size:
            break
        if text[end] == 13 and end + 1 < size and text[end + 1] == 10:
            start = end + 2
        else:
            start = end + 1
    return reader


# `sgml._PARTY_LOOKUPS` turned around: section → key → ((row column, rank of the section among the column's), …),
# so a party's pairs are each looked up once instead of every lookup probing every section it may be in.
cdef dict _LOOKUPS_BY_SECTION = {}
for _column, (_, _names, _key) in enumerate(_PARTY_LOOKUPS, start=3):
    for _rank, _name in enumerate(_names):
        _LOOKUPS_BY_SECTION.setdefault(_name, {}).setdefault(_key, []).append((_column, _rank))
_LOOKUPS_BY_SECTION = {
    name: {key: tuple(places) for key, places in keys.items()} for name, keys in _LOOKUPS_BY_SECTION.items()
}
cdef Py_ssize_t _LOOKUP_END = 3 + len(_PARTY_LOOKUPS)


cdef list _party_row(_Party party, str accession, Py_ssize_t position, Py_ssize_t width):
    """`HeaderParty.as_row` as a `filing_parties` row in schema order: accession, position, role, then the
    lookups (cik, name, the header fields: each the first non-empty value among its sections, in their order),
    former names, header values."""
    cdef list row = [None] * width
    cdef int ranks[64]  # the rank of the section each lookup column's value came from
    cdef Py_ssize_t column, rank
    cdef PyObject* keys
    cdef PyObject* places
    for column in range(_LOOKUP_END):
        ranks[column] = 1 << 30
    row[0] = accession
    row[1] = position
    row[2] = party.role
    header_values = []
    for section, pairs in party.sections.items():
        keys = PyDict_GetItem(_LOOKUPS_BY_SECTION, section)
        for key, value in (<dict> pairs).items():
            header_values.append((section, key, value))
            if keys is NULL or not value:
                continue
            places = PyDict_GetItem(<dict> keys, key)
            if places is NULL:
                continue
            for column, rank in <tuple> places:
                if rank < ranks[column]:
                    ranks[column] = rank
                    row[column] = value
    row[3] = _cik(row[3])
    row[_LOOKUP_END] = [
        (former.get("FORMER CONFORMED NAME"), _yyyymmdd(former.get("DATE OF NAME CHANGE")))
        for former in party.former_names
    ]
    row[_LOOKUP_END + 1] = header_values
    return row


# ------------------------------------------------------------------------------------------------ the XML


cdef inline str _utf8(const char* text):
    if text is NULL:
        return ""
    return PyUnicode_DecodeUTF8(text, len(text), NULL)


cdef inline bint _is_element(tree.xmlNode* node):
    return node.type == tree.XML_ELEMENT_NODE


# The last tag read at each of TAG_SLOTS slots, by the address of libxml2's interned name: documents repeat the same
# few dozen tags, and lxml's parsers share one name dictionary, so most tags are found here instead of decoded
# again. A hit is checked against the name's text, so a reused address can never give a wrong tag.
cdef enum:
    TAG_SLOTS = 512
cdef const char* _slot_names[TAG_SLOTS]
cdef list _slot_tags = [None] * TAG_SLOTS


cdef str _tag(_Element owner, tree.xmlNode* node):
    """The tag as lxml names it (the local name: a namespaced node is declined)."""
    cdef const char* name = <const char*> node.name
    cdef size_t slot
    if node.ns is not NULL:  # the Python parser strips namespaces first
        raise Declined("namespaced element")
    slot = (<size_t> name >> 3) % TAG_SLOTS
    tag = _slot_tags[slot] if _slot_names[slot] == name else None
    if tag is not None and strcmp(name, PyUnicode_AsUTF8(tag)) == 0:
        return tag
    tag = sys.intern(_utf8(name))
    _slot_names[slot] = name
    _slot_tags[slot] = tag
    return tag


cdef object _text(tree.xmlNode* node):
    """`element.text`: the text and CDATA nodes before the first child element, or None when there are none."""
    cdef tree.xmlNode* part = node.children
    if part is NULL or (part.type != tree.XML_TEXT_NODE and part.type != tree.XML_CDATA_SECTION_NODE):
        return None
    if part.next is NULL or (part.next.type != tree.XML_TEXT_NODE and part.next.type != tree.XML_CDATA_SECTION_NODE):
        return _utf8(<const char*> part.content)
    pieces = []
    while part is not NULL and (part.type == tree.XML_TEXT_NODE or part.type == tree.XML_CDATA_SECTION_NODE):
        pieces.append(_utf8(<const char*> part.content))
        part = part.next
    return "".join(pieces)


cdef str _all_text(tree.xmlNode* node):
    """`"".join(element.itertext())`: every text and CDATA node below `node`, in document order (comments and
    processing instructions give their tails, which are text nodes, not their own text)."""
    pieces = []
    _collect_text(node.children, pieces)
    return "".join(pieces)


cdef void _collect_text(tree.xmlNode* node, list pieces) except *:
    while node is not NULL:
        if node.type == tree.XML_TEXT_NODE or node.type == tree.XML_CDATA_SECTION_NODE:
            pieces.append(_utf8(<const char*> node.content))
        elif node.type == tree.XML_ELEMENT_NODE:
            _collect_text(node.children, pieces)
        node = node.next


cdef str _footnote_id(_Element owner, tree.xmlNode* node):
    """`(element.get("id") or "").strip()`."""
    cdef tree.xmlAttr* attribute = node.properties
    while attribute is not NULL:
        if attribute.ns is NULL and (<const char*> attribute.name) == b"id":
            if attribute.children is NULL:
                return ""
            if attribute.children.next is NULL and attribute.children.type == tree.XML_TEXT_NODE:
                return _utf8(<const char*> attribute.children.content).strip()
            break
        attribute = attribute.next
    else:
        return ""
    return (cetree.elementFactory(owner._doc, node).get("id") or "").strip()


cdef inline str _strip(str text):
    """`text.strip()`, without the method call when there is nothing to strip (most values)."""
    cdef Py_ssize_t size = len(text)
    if size and not Py_UNICODE_ISSPACE(text[0]) and not Py_UNICODE_ISSPACE(text[size - 1]):
        return text
    return text.strip()


cdef bint _digits_and_dashes(str text, Py_ssize_t size, Py_ssize_t first_dash, Py_ssize_t second_dash):
    """`text[:size]` is ASCII digits but for a '-' at the two positions (`text` holds at least `size`)."""
    cdef Py_ssize_t at
    cdef Py_UCS4 c
    for at in range(size):
        c = text[at]
        if at == first_dash or at == second_dash:
            if c != "-":
                return False
        elif not ("0" <= c <= "9"):
            return False
    return True


cdef inline int _number(str text, Py_ssize_t start, Py_ssize_t end):
    cdef int value = 0
    cdef Py_ssize_t at
    for at in range(start, end):
        value = value * 10 + (<int> <Py_UCS4> text[at] - 48)
    return value


cdef object _plain_date(str text):
    """`ownership_xml._to_date` for a text starting `YYYY-MM-DD` in ASCII digits that is a real date, else None
    (the converter then decides)."""
    if len(text) < 10 or not _digits_and_dashes(text, 10, 4, 7):
        return None
    cdef int year = _number(text, 0, 4), month = _number(text, 5, 7), day = _number(text, 8, 10)
    if year < 1 or not (1 <= month <= 12) or not (1 <= day <= _days_in_month(year, month)):
        return None
    return date_new(year, month, day)


cdef inline int _days_in_month(int year, int month):
    if month == 2:
        return 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    return 30 if month in (4, 6, 9, 11) else 31


cdef bint _plain_decimal(str text):
    """True for `[+-]?digits[.digits]` in ASCII with at most 6 decimals and 32 significant integer digits: a text
    `ownership_xml._to_decimal` turns into `Decimal(text)` unchanged, and Polars' cast reads as exactly that
    number. Anything else goes through the converter."""
    cdef Py_ssize_t size = len(text), at = 0, integer_digits = 0, decimals = -1, digits = 0
    cdef Py_UCS4 c
    if size == 0 or size > 60:
        return False
    c = text[0]
    if c == "+" or c == "-":
        at = 1
    while at < size:
        c = text[at]
        if c == ".":
            if decimals >= 0:
                return False
            decimals = 0
        elif "0" <= c <= "9":
            digits += 1
            if decimals >= 0:
                decimals += 1
            elif integer_digits or c != "0":
                integer_digits += 1
        else:
            return False
        at += 1
    return digits > 0 and decimals <= 6 and integer_digits <= 32


cdef struct _Path:
    PyObject* tag  # borrowed: the caller that made this level holds the tag
    _Path* parent  # NULL at the root


cdef str _path_text(_Path* path):
    """The element path `a/b/c`, built only for what ends in `unknown_elements`."""
    parts = []
    while path is not NULL:
        parts.append(<object> path.tag)
        path = path.parent
    parts.reverse()
    return "/".join(parts)


cdef class _Walk:
    """One document's walk (`ownership_xml._Reader`): values into row lists, untypable and unknown kept aside."""

    cdef _Element owner
    cdef list unparsed
    cdef list unknown  # (parent path, element)

    def __cinit__(self, _Element owner):
        self.owner = owner
        self.unparsed = []
        self.unknown = []

    cdef inline void keep(self, _Path* path, tree.xmlNode* node) except *:
        self.unknown.append((_path_text(path), cetree.elementFactory(self.owner._doc, node)))

    cdef void keep_children(self, tree.xmlNode* node, _Path* parent, str tag, str part) except *:
        """Children of an element the specification gives none: kept whole for `unknown_elements`, under
        `parent/tag` (or `parent/tag/part`)."""
        cdef tree.xmlNode* child = node.children
        cdef _Path level, inner
        level.tag = <PyObject*> tag
        level.parent = parent
        inner.tag = <PyObject*> part
        inner.parent = &level
        while child is not NULL:
            if _is_element(child):
                self.keep(&level if part is None else &inner, child)
            child = child.next

    cdef object typed(self, tuple leaf, str text):
        """`_Reader.fill`'s typing: stripped, empty as None, converted, or kept raw in `unparsed`. The common
        shapes of decimals, flags and dates are read here; every other text goes through the converter."""
        text = _strip(text)
        if not text:
            return None
        converter = leaf[3]
        if converter is None:
            return text
        cdef int kind = leaf[4]
        if kind == DECIMAL_KIND and _plain_decimal(text):
            return text  # read as a decimal when the column is made (`tables.typed_columns(compact=True)`)
        if kind == BOOL_KIND:
            if text == "1" or text == "true":
                return True
            if text == "0" or text == "false":
                return False
        elif kind == DATE_KIND:
            day = _plain_date(text)
            if day is not None:
                return day
        try:
            value = converter(text)
        except _CONVERSION_ERRORS:
            self.unparsed.append((leaf[5], text))
            return None
        return format(value, "f") if kind == DECIMAL_KIND else value

    cdef void fill(self, tree.xmlNode* child, bint only_this, dict level, _Path* path, list row) except *:
        """`_Reader.fill`: read `child` and its next siblings (or `child` alone) into `row` by `level`."""
        cdef tree.xmlNode* part
        cdef PyObject* found
        cdef tuple node
        cdef Py_ssize_t column, ids_column
        cdef int kind
        cdef bint has_value
        cdef _Path inner
        inner.parent = path
        while child is not NULL:
            if _is_element(child):
                tag = _tag(self.owner, child)
                inner.tag = <PyObject*> tag
                found = PyDict_GetItem(level, tag)
                if found is NULL:
                    self.keep(path, child)
                else:
                    node = <tuple> found
                    kind = node[0]
                    if kind == LEAF:
                        column = node[1]
                        if row[column] is not _UNSET:  # a repeat of a single-valued element
                            self.keep(path, child)
                        else:
                            ids_column = node[2]
                            if ids_column < 0:
                                text = _text(child)
                                self.keep_children(child, path, tag, None)
                            else:
                                text = None
                                has_value = False
                                footnote_ids = None  # made [] by the frame when none comes
                                part = child.children
                                while part is not NULL:
                                    if _is_element(part):
                                        part_tag = _tag(self.owner, part)
                                        if part_tag == "value" and not has_value:
                                            has_value = True
                                            text = _text(part)
                                            self.keep_children(part, path, tag, "value")
                                        elif part_tag == "footnoteId":
                                            if footnote_ids is None:
                                                footnote_ids = []
                                            footnote_ids.append(_footnote_id(self.owner, part))
                                            self.keep_children(part, path, tag, "footnoteId")
                                        else:
                                            self.keep(&inner, part)
                                    part = part.next
                                row[ids_column] = footnote_ids
                            row[column] = None if text is None else self.typed(node, <str> text)
                    elif kind == GROUP:
                        self.fill(child.children, False, <dict> node[1], &inner, row)
                    else:
                        column = node[1]
                        if row[column] is _UNSET:
                            row[column] = []
                        row[column].append(_footnote_id(self.owner, child))
                        self.keep_children(child, path, tag, None)
            if only_this:
                return
            child = child.next

    cdef list record(self, tree.xmlNode* node, tuple layout, _Path* path, list row):
        """`_Reader.record`: fill `row` from the children of `node`, then default every column left unfilled."""
        cdef Py_ssize_t column
        self.fill(node.children, False, <dict> layout[0], path, row)
        self.complete(layout, row)
        return row

    cdef void complete(self, tuple layout, list row) except *:
        cdef Py_ssize_t column, ids_column
        for column in <tuple> layout[1]:
            if row[column] is _UNSET:
                row[column] = None
        cdef tuple wrapped = layout[2]
        if wrapped:
            given_by_footnote = None  # made [] by the frame when none is
            for column, ids_column, name in wrapped:
                ids = row[ids_column]
                if ids is _UNSET:
                    row[ids_column] = None  # made [] by the frame
                elif row[column] is None and ids:
                    if given_by_footnote is None:
                        given_by_footnote = []
                    given_by_footnote.append(name)
            row[<Py_ssize_t> layout[3]] = given_by_footnote
        for column in <tuple> layout[4]:
            if row[column] is _UNSET:
                row[column] = None


cdef inline Py_ssize_t _next_tag(const unsigned char* text, Py_ssize_t start, Py_ssize_t end):
    """The next '<' in `text[start:end]`, or -1: every marker below starts with one, so a search hops between
    them (memchr) instead of comparing at every byte."""
    if start >= end:
        return -1
    cdef const void* found = memchr(text + start, 60, end - start)
    return -1 if found is NULL else <const unsigned char*> found - text


cdef inline bint _at(const unsigned char* text, Py_ssize_t at, Py_ssize_t end, const char* marker):
    cdef Py_ssize_t length = strlen(marker)
    return at + length <= end and memcmp(text + at, marker, length) == 0


cdef bint _in_tail(const unsigned char* text, Py_ssize_t size, const char* marker):
    """`marker in text[-4096:]`, searched from the end, where a whole submission has it."""
    cdef Py_ssize_t start = size - 4096 if size > 4096 else 0, at = size - 1
    while at >= start:
        if text[at] == 60 and _at(text, at, size, marker):
            return True
        at -= 1
    return False


cdef struct _Markers:
    Py_ssize_t text_open, xml_open, ownership, xml_close, text_close, document_close
    bint repeated, dtd


cdef _Markers _markers(const unsigned char* text, Py_ssize_t start, Py_ssize_t size):
    """Where one document's markers first are, from `start` to its `</DOCUMENT>` (or the end), in one pass;
    `repeated` when a <TEXT>, </TEXT>, <XML> or </XML> comes twice, `dtd` for a <!DOCTYPE or <!ENTITY."""
    cdef _Markers found
    found.text_open = found.xml_open = found.ownership = found.xml_close = found.text_close = -1
    found.document_close = size
    found.repeated = found.dtd = False
    cdef Py_ssize_t at = _next_tag(text, start, size)
    cdef unsigned char next_char
    while at >= 0:
        next_char = text[at + 1] if at + 1 < size else 0
        if next_char == 47:  # '/'
            if _at(text, at, size, b"</DOCUMENT>"):
                found.document_close = at
                break
            if _at(text, at, size, b"</XML>"):
                found.repeated |= found.xml_close >= 0
                found.xml_close = at
            elif _at(text, at, size, b"</TEXT>"):
                found.repeated |= found.text_close >= 0
                found.text_close = at
        elif next_char == 111:  # 'o'
            if found.ownership < 0 and _at(text, at, size, b"<ownershipDocument"):
                found.ownership = at
        elif next_char == 84:  # 'T'
            if _at(text, at, size, b"<TEXT>"):
                found.repeated |= found.text_open >= 0
                found.text_open = at
        elif next_char == 88:  # 'X'
            if _at(text, at, size, b"<XML>"):
                found.repeated |= found.xml_open >= 0
                found.xml_open = at
        elif next_char == 33:  # '!'
            if _at(text, at, size, b"<!DOCTYPE") or _at(text, at, size, b"<!ENTITY"):
                found.dtd = True
        at = _next_tag(text, at + 1, size)
    return found


cdef _Element _parse_tree(bytes raw, const unsigned char* text, Py_ssize_t start, Py_ssize_t end, object parser):
    """`ownership_xml.parse_tree` of `raw[start:end]` stripped, for a document the marker pass found no DTD in,
    declining where it would raise. A namespaced element is declined when the walk meets it (`_tag`), so the
    Python parser strips namespaces as it does."""
    while start < end and _space(text[start]):
        start += 1
    while end > start and _space(text[end - 1]):
        end -= 1
    if end - start > MAX_XML_BYTES:
        raise Declined("too large")
    root = etree.fromstring(raw[start:end], parser=parser)
    if root is None:
        raise Declined("no root")
    if root.tag != ROOT:
        raise Declined("not an ownershipDocument")
    return root


cdef bint _dashed(str accession):
    """`NNNNNNNNNN-YY-NNNNNN` in ASCII digits: `canonical_accession` gives it back as it is."""
    return len(accession) == 20 and _digits_and_dashes(accession, 20, 10, 13)


# ---------------------------------------------------------------------------------------------- the batch


cdef class BatchParser:
    """Appends each submission's rows to per-table columns; `columns_by_table()` gives them, in each table's
    schema order.

    `layouts` maps "document", "owner", "signature" to `ownership_xml.column_layout`s and each (table tag, row tag)
    of the two tables to (table, table kind, layout); `widths` is each filing table's column count.
    """

    cdef dict columns
    cdef dict widths
    cdef tuple document_layout, owner_layout, signature_layout
    cdef dict row_layouts
    cdef object xml_parser

    def __cinit__(self, dict layouts, dict widths):
        self.xml_parser = _parser()  # this thread's, as `parse_tree` uses: a BatchParser stays in one thread
        self.widths = widths
        self.columns = {table: [[] for _ in range(width)] for table, width in widths.items()}
        self.document_layout = layouts["document"]
        self.owner_layout = layouts["owner"]
        self.signature_layout = layouts["signature"]
        self.row_layouts = {key: value for key, value in layouts.items() if isinstance(key, tuple)}

    def columns_by_table(self) -> dict:
        return self.columns

    cdef list _row(self, str table, str accession):
        cdef list row = [_UNSET] * <Py_ssize_t> self.widths[table]
        row[0] = accession
        return row

    def add_rows(self, str table, list rows):
        """Append finished rows (lists in schema order), as the Python parser's rows are added."""
        self._append_rows(table, rows)

    cdef void _append_rows(self, str table, list rows) except *:
        cdef list columns = self.columns[table]
        cdef Py_ssize_t index
        for row in rows:
            for index in range(len(columns)):
                (<list> columns[index]).append((<list> row)[index])

    def add_until_declined(self, list submissions, Py_ssize_t start, list outcomes) -> int:
        """`add` each (accession, raw) of `submissions` from `start` on, appending its accession number to
        `outcomes`, up to the first it declines: that one's position (or the end) is returned, in the C loop that
        saves the Python one's call a filing."""
        cdef Py_ssize_t position = start, size = len(submissions)
        while position < size:
            accession, raw = <tuple> submissions[position]
            try:
                outcomes.append(self._add(accession, raw))
            except Declined:
                return position
            position += 1
        return position

    def add(self, str accession, bytes raw) -> str:
        """Parse one submission into the columns and give its accession number as the warehouse writes it; raises
        Declined (nothing appended) when it does not read cleanly."""
        return self._add(accession, raw)

    cdef str _add(self, str accession, bytes raw):
        try:
            rows = self._parse(accession if _dashed(accession) else canonical_accession(accession), raw)
        except Declined:
            raise
        except Exception as error:  # the Python parser will name it
            raise Declined(repr(error)) from error
        for table, table_rows in rows.items():
            self._append_rows(table, table_rows)
        return rows["filings"][0][0]

    cdef dict _parse(self, str accession, bytes raw):
        cdef const unsigned char* text = raw
        cdef Py_ssize_t size = len(raw), at, header_end, first_document, body, name_at, name_end
        cdef _Markers markers
        # sgml.check_complete
        at = 0
        while at < size and _ascii_space(text[at]):
            at += 1
        if at == size:
            raise Declined("empty")
        if not _in_tail(text, size, b"</SEC-DOCUMENT>") and not _in_tail(text, size, b"</SUBMISSION>"):
            raise Declined("truncated")
        # sgml.parse_submission: the header ends at </SEC-HEADER>, or at the first <DOCUMENT> if that comes first
        # (or there is no </SEC-HEADER>): either way at the first <DOCUMENT> when </SEC-HEADER> is not before it.
        first_document = header_end = -1
        at = _next_tag(text, 0, size)
        while at >= 0 and first_document < 0:
            if header_end < 0 and _at(text, at, size, b"</SEC-HEADER>"):
                header_end = at
            elif _at(text, at, size, b"<DOCUMENT>"):
                first_document = at
            at = _next_tag(text, at + 1, size)
        if first_document < 0:
            raise Declined("no document")
        if header_end < 0:
            header_end = first_document
        cdef _HeaderReader header = _read_header(text, header_end)
        if header.values.get("ACCESSION NUMBER") != accession:
            raise Declined("accession")
        # Submission.ownership_document and sgml.xml_bytes, for the usual shape only: the first document holds
        # <TEXT> <XML> <ownershipDocument …> </XML> </TEXT>, each once, and no DTD. Anything else is declined.
        body = first_document + 10
        markers = _markers(text, body, size)
        if not (body <= markers.text_open < markers.xml_open < markers.ownership < markers.xml_close
                < markers.text_close < markers.document_close) or markers.repeated or markers.dtd:
            raise Declined("unusual document shape")
        # the document's <FILENAME>: the last one before <TEXT>, up to '<', CR or LF, stripped
        filename = None
        name_at = _find(text, markers.text_open, b"<FILENAME>", body)
        while name_at >= 0:
            name_end = name_at + 10
            while name_end < markers.text_open and text[name_end] != 60 and text[name_end] != 13 and text[name_end] != 10:
                name_end += 1
            filename = _stripped(text, name_at + 10, name_end)
            name_at = _find(text, markers.text_open, b"<FILENAME>", name_end)
        return self._rows(
            accession, raw, header, filename, _parse_tree(raw, text, markers.xml_open + 5, markers.xml_close, self.xml_parser)
        )

    cdef dict _rows(self, str accession, bytes raw, _HeaderReader header, object filename, _Element root):
        cdef _Walk walk = _Walk(root)
        cdef list owners = [], signatures = [], footnotes = [], transactions = [], holdings = []
        cdef dict line_numbers = {}
        cdef list filing = self._row("filings", accession)
        cdef tree.xmlNode* child = root._c_node.children
        cdef tree.xmlNode* part
        cdef str root_tag = _tag(root, root._c_node)
        cdef _Path root_path, path, row_path
        root_path.tag = <PyObject*> root_tag
        root_path.parent = NULL
        path.parent = &root_path
        row_path.parent = &path
        cdef list row
        while child is not NULL:
            if _is_element(child):
                tag = _tag(root, child)
                path.tag = <PyObject*> tag
                if tag == "reportingOwner":
                    row = self._row("filing_owners", accession)
                    row[1] = len(owners) + 1
                    owners.append(walk.record(child, self.owner_layout, &path, row))
                elif tag == "ownerSignature":
                    row = self._row("signatures", accession)
                    row[1] = len(signatures) + 1
                    signatures.append(walk.record(child, self.signature_layout, &path, row))
                elif tag == "nonDerivativeTable" or tag == "derivativeTable":
                    part = child.children
                    while part is not NULL:
                        if _is_element(part):
                            part_tag = _tag(root, part)
                            key = (tag, part_tag)
                            found = self.row_layouts.get(key)
                            if found is None:
                                walk.keep(&path, part)
                            else:
                                table, kind, layout = <tuple> found
                                line_number = line_numbers.get(key, 0) + 1
                                line_numbers[key] = line_number
                                row = self._row(table, accession)
                                row[1] = kind
                                row[2] = line_number
                                row_path.tag = <PyObject*> part_tag
                                walk.record(part, layout, &row_path, row)
                                (transactions if table == "transactions" else holdings).append(row)
                        part = part.next
                elif tag == "footnotes":
                    part = child.children
                    while part is not NULL:
                        if _is_element(part):
                            if _tag(root, part) != "footnote":
                                walk.keep(&path, part)
                            else:
                                footnote_text = _all_text(part).strip()
                                footnotes.append([accession, _footnote_id(root, part), footnote_text])
                                walk.keep_children(part, &path, "footnote", None)
                        part = part.next
                else:
                    walk.fill(child, True, <dict> self.document_layout[0], &root_path, filing)
            child = child.next
        walk.complete(self.document_layout, filing)
        values = header.values
        cdef Py_ssize_t party_width = self.widths["filing_parties"]
        parties = [
            _party_row(<_Party> party, accession, position, party_width)
            for position, party in enumerate(header.parties, start=1)
        ]
        # Submission.header.parties_in("issuer") or parties_in("subject_company"): the first one's CIK
        roles = [(<_Party> party).role for party in header.parties]
        issuer_role = "issuer" if "issuer" in roles else "subject_company"
        issuer_cik = parties[roles.index(issuer_role)][3] if issuer_role in roles else None
        owner_ciks = [
            row[3] for row, role in zip(parties, roles) if role == "reporting_owner" and row[3] is not None
        ]
        filing[1] = values.get("CONFORMED SUBMISSION TYPE")
        filing[2] = _yyyymmdd(values.get("FILED AS OF DATE"))
        filing[3] = acceptance_time(values.get("ACCEPTANCE-DATETIME", ""))
        filing[4] = _yyyymmdd(values.get("CONFORMED PERIOD OF REPORT"))
        filing[5] = issuer_cik
        filing[6] = owner_ciks
        filing[7] = filename
        cdef Py_ssize_t width = len(filing)
        filing[width - 8] = len(owners)
        filing[width - 7] = len(transactions)
        filing[width - 6] = len(holdings)
        filing[width - 5] = len(footnotes)
        filing[width - 4] = len(walk.unknown)
        filing[width - 3] = walk.unparsed
        filing[width - 2] = hashlib.sha256(raw).hexdigest()
        filing[width - 1] = len(raw)
        unknown = [
            [accession, number, f"{parent}/{element.tag}", etree.tostring(element, encoding="unicode")]
            for number, (parent, element) in enumerate(walk.unknown, start=1)
        ]
        return {
            "filings": [filing],
            "filing_owners": owners,
            "transactions": transactions,
            "holdings": holdings,
            "footnotes": footnotes,
            "signatures": signatures,
            "filing_parties": parties,
            "unknown_elements": unknown,
        }
