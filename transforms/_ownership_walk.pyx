# cython: language_level=3, boundscheck=False, wraparound=False
"""The compiled twin of `ownership_xml._Reader.record`: one record's leaves read straight from libxml2's tree.

Walking the tree through lxml's Python API costs about 3 µs an element (a proxy object per node, a dict lookup
per tag, a method call per text); this reads the same nodes in C through lxml's public C API and gives exactly
the rows the Python reader gives (tests/test_compiled_walk.py compares the two on every sample filing and on
generated ones). Anything unusual (a namespaced node, an attribute with entity parts) is read through lxml's
Python API, so the two cannot disagree there either.

A shape here is `ownership_xml._Shape.compiled`: (tree, columns, wrapped, blocks), where tree maps a tag to
(LEAF, column, footnote-ids column or None, converter or None, is decimal), (GROUP, subtree) or (BLOCK, column).
"""

from decimal import Decimal, InvalidOperation

from cpython.dict cimport PyDict_Contains, PyDict_GetItem, PyDict_SetItem
from cpython.list cimport PyList_Append
from cpython.ref cimport PyObject
from cpython.unicode cimport PyUnicode_DecodeUTF8

cimport lxml.includes.etreepublic as cetree
from lxml.includes cimport tree
from lxml.includes.etreepublic cimport _Element

cetree.import_lxml__etree()

cdef enum:
    LEAF = 0
    GROUP = 1
    BLOCK = 2

cdef object _CONVERSION_ERRORS = (ValueError, InvalidOperation)


cdef inline str _utf8(const char* text):
    if text is NULL:
        return ""
    return PyUnicode_DecodeUTF8(text, len(text), NULL)


cdef inline bint _is_element(tree.xmlNode* node):
    return node.type == tree.XML_ELEMENT_NODE


cdef str _tag(_Element owner, tree.xmlNode* node):
    """The tag as lxml names it: the local name, or `{uri}name` for a namespaced node."""
    if node.ns is NULL:
        return _utf8(<const char*> node.name)
    return cetree.elementFactory(owner._doc, node).tag


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


cdef inline void _keep_children(_Element owner, tree.xmlNode* node, str path, list unknown) except *:
    """Children of an element the specification gives none: kept whole for `unknown_elements`."""
    cdef tree.xmlNode* child = node.children
    while child is not NULL:
        if _is_element(child):
            unknown.append((path, cetree.elementFactory(owner._doc, child)))
        child = child.next


cdef bint _plain_decimal(str text):
    """True for `[+-]?digits[.digits]` in ASCII with at most 6 decimals and 32 significant integer digits: a text
    `ownership_xml._to_decimal` turns into `Decimal(text)` unchanged. Anything else goes through the converter."""
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


cdef object _typed(str column, object text, object converter, bint is_decimal, list unparsed):
    text = text.strip()
    if not text:
        return None
    if converter is None:
        return text
    if is_decimal and _plain_decimal(text):
        return Decimal(text)
    try:
        return converter(text)
    except _CONVERSION_ERRORS:
        unparsed.append({"field": column, "raw": text})
        return None


cdef void _fill(
    _Element owner, tree.xmlNode* child, bint only_this, dict shape_tree, str path, dict row, list unparsed,
    list unknown
) except *:
    cdef tree.xmlNode* part
    cdef PyObject* found
    cdef tuple node
    cdef int kind
    cdef bint has_value
    while child is not NULL:
        if _is_element(child):
            tag = _tag(owner, child)
            found = PyDict_GetItem(shape_tree, tag)
            if found is NULL:
                unknown.append((path, cetree.elementFactory(owner._doc, child)))
            else:
                node = <tuple> found
                kind = node[0]
                if kind == LEAF:
                    column = node[1]
                    if PyDict_Contains(row, column):  # a repeat of a single-valued element
                        unknown.append((path, cetree.elementFactory(owner._doc, child)))
                    else:
                        ids_column = node[2]
                        if ids_column is None:
                            text = _text(child)
                            _keep_children(owner, child, f"{path}/{tag}", unknown)
                        else:
                            text = None
                            has_value = False
                            footnote_ids = []
                            part = child.children
                            while part is not NULL:
                                if _is_element(part):
                                    part_tag = _tag(owner, part)
                                    if part_tag == "value" and not has_value:
                                        has_value = True
                                        text = _text(part)
                                        _keep_children(owner, part, f"{path}/{tag}/value", unknown)
                                    elif part_tag == "footnoteId":
                                        footnote_ids.append(_footnote_id(owner, part))
                                        _keep_children(owner, part, f"{path}/{tag}/footnoteId", unknown)
                                    else:
                                        unknown.append((f"{path}/{tag}", cetree.elementFactory(owner._doc, part)))
                                part = part.next
                            PyDict_SetItem(row, ids_column, footnote_ids)
                        if text is not None:
                            text = _typed(column, text, node[3], node[4], unparsed)
                        PyDict_SetItem(row, column, text)
                elif kind == GROUP:
                    _fill(owner, child.children, False, <dict> node[1], f"{path}/{tag}", row, unparsed, unknown)
                else:
                    column = node[1]
                    ids = row.get(column)
                    if ids is None:
                        ids = []
                        PyDict_SetItem(row, column, ids)
                    ids.append(_footnote_id(owner, child))
                    _keep_children(owner, child, f"{path}/{tag}", unknown)
        if only_this:
            return
        child = child.next


cdef dict _record(
    _Element owner, tree.xmlNode* node, tuple shape, str path, dict row, list unparsed, list unknown
):
    """`_Reader.record`: fill `row` from the children of `node`, then default every column left absent."""
    _fill(owner, node.children, False, <dict> shape[0], path, row, unparsed, unknown)
    for column in <tuple> shape[1]:
        if not PyDict_Contains(row, column):
            PyDict_SetItem(row, column, None)
    cdef tuple wrapped = shape[2]
    if wrapped:
        given_by_footnote = []
        for column, ids_column in wrapped:
            ids = row.get(ids_column)
            if ids is None:
                PyDict_SetItem(row, ids_column, [])
            elif ids and row[column] is None:
                given_by_footnote.append(column)
        PyDict_SetItem(row, "values_given_by_footnote", given_by_footnote)
    for column in <tuple> shape[3]:
        if not PyDict_Contains(row, column):
            PyDict_SetItem(row, column, [])
    return row


def read_document(
    _Element root, tuple document_shape, tuple owner_shape, tuple signature_shape, dict row_shapes, list unparsed,
    list unknown
):
    """`ownership_xml.parse_ownership_xml`'s walk of the root's children: (document, owners, transactions,
    holdings, footnotes, signatures). `row_shapes` maps (table tag, row tag) to (table, table kind, shape)."""
    cdef tree.xmlNode* child = root._c_node.children
    cdef tree.xmlNode* part
    cdef dict document = {}
    cdef list owners = [], signatures = [], footnotes = []
    cdef dict rows = {"transactions": [], "holdings": []}
    cdef dict line_numbers = {}
    cdef str root_path = _tag(root, root._c_node)
    while child is not NULL:
        if _is_element(child):
            tag = _tag(root, child)
            path = f"{root_path}/{tag}"
            if tag == "reportingOwner":
                owners.append(
                    _record(root, child, owner_shape, path, {"owner_position": len(owners) + 1}, unparsed, unknown)
                )
            elif tag == "ownerSignature":
                signatures.append(
                    _record(root, child, signature_shape, path, {"line_number": len(signatures) + 1}, unparsed, unknown)
                )
            elif tag == "nonDerivativeTable" or tag == "derivativeTable":
                part = child.children
                while part is not NULL:
                    if _is_element(part):
                        part_tag = _tag(root, part)
                        key = (tag, part_tag)
                        found = row_shapes.get(key)
                        if found is None:
                            unknown.append((path, cetree.elementFactory(root._doc, part)))
                        else:
                            table, kind, shape = <tuple> found
                            line_number = line_numbers.get(key, 0) + 1
                            line_numbers[key] = line_number
                            rows[table].append(
                                _record(
                                    root,
                                    part,
                                    shape,
                                    f"{path}/{part_tag}",
                                    {"table_kind": kind, "line_number": line_number},
                                    unparsed,
                                    unknown,
                                )
                            )
                    part = part.next
            elif tag == "footnotes":
                part = child.children
                while part is not NULL:
                    if _is_element(part):
                        note = cetree.elementFactory(root._doc, part)
                        if _tag(root, part) != "footnote":
                            unknown.append((path, note))
                        else:
                            footnotes.append(
                                {
                                    "footnote_id": _footnote_id(root, part),
                                    "footnote_text": "".join(note.itertext()).strip(),
                                }
                            )
                            _keep_children(root, part, f"{path}/footnote", unknown)
                    part = part.next
            else:
                _fill(root, child, True, <dict> document_shape[0], root_path, document, unparsed, unknown)
        child = child.next
    for column in <tuple> document_shape[1]:
        if not PyDict_Contains(document, column):
            PyDict_SetItem(document, column, None)
    return document, owners, rows["transactions"], rows["holdings"], footnotes, signatures
