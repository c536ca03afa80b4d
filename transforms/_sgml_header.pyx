# cython: language_level=3, boundscheck=False, wraparound=False
"""The compiled twin of `sgml.parse_header`'s scan: the header's lines read as bytes, events fed to the reader.

The Python scan splits the header into lines, strips each and runs a regular expression on it: about 40 µs a
filing, more than parsing its XML. This finds the same `<TAG>text` and `KEY: value` events in one pass over the
bytes and hands them to the same `_HeaderReader`, so the state machine exists once. Text is Latin-1, as in
`sgml.parse_submission`: every byte is one character.
"""

from cpython.unicode cimport PyUnicode_DecodeLatin1


cdef inline bint _space(unsigned char c):
    """`str.isspace` for a Latin-1 character, as `str.strip` and the regex's `\\s` read it."""
    return c == 32 or (9 <= c <= 13) or (28 <= c <= 31) or c == 0x85 or c == 0xA0


cdef inline bint _key_char(unsigned char c):
    """A character `sgml._KEY_VALUE` allows in a key after its first: A-Z 0-9 space & / ( ) . , ' -."""
    return (65 <= c <= 90) or (48 <= c <= 57) or c == 32 or c == 38 or c == 47 or c == 40 or c == 41 or c == 46 \
        or c == 44 or c == 39 or c == 45


cdef inline bint _tag_char(unsigned char c):
    return (65 <= c <= 90) or (48 <= c <= 57) or c == 45


cdef inline str _latin1(const unsigned char* text, Py_ssize_t start, Py_ssize_t end):
    return PyUnicode_DecodeLatin1(<const char*> text + start, end - start, NULL)


cdef void _tags(const unsigned char* text, Py_ssize_t start, Py_ssize_t end, object reader) except *:
    """`_TAG.findall` over one line: `<(/?)([A-Z][A-Z0-9-]*)>([^<]*)`, each match to `reader.tag`."""
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
        reader.tag(
            "/" if closing else "", _latin1(text, name_start, name_end), _latin1(text, name_end + 1, text_end)
        )
        at = text_end


cdef void _key_value(const unsigned char* text, Py_ssize_t start, Py_ssize_t end, object reader) except *:
    """`_KEY_VALUE.match(line.strip())`, its groups to `reader.key_value`."""
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
    while key_end > start and _space(text[key_end - 1]):
        key_end -= 1
    value_start = colon + 1
    while value_start < end and _space(text[value_start]):
        value_start += 1
    reader.key_value(_latin1(text, start, key_end), _latin1(text, value_start, end))


def scan_header(bytes header, object reader):
    """Feed `reader` (an `sgml._HeaderReader`) every event of `header`, in order, as `sgml.parse_header` does."""
    cdef const unsigned char* text = header
    cdef Py_ssize_t size = len(header), start = 0, end, has_tag
    while start <= size:
        end = start
        has_tag = 0
        while end < size and text[end] != 10 and text[end] != 13:
            if text[end] == 60:
                has_tag = 1
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
