#include "wire/PickleOpcodes.h"

namespace pipescope::pickle {

namespace {

struct Named
{
    Opcode op;
    const char* name;
};

constexpr Named kNames[] = {
    {Mark, "MARK"},
    {EmptyTuple, "EMPTY_TUPLE"},
    {Stop, "STOP"},
    {Pop, "POP"},
    {PopMark, "POP_MARK"},
    {Dup, "DUP"},
    {BinBytes, "BINBYTES"},
    {ShortBinBytes, "SHORT_BINBYTES"},
    {Float, "FLOAT"},
    {BinFloat, "BINFLOAT"},
    {Int, "INT"},
    {BinInt, "BININT"},
    {BinInt1, "BININT1"},
    {Long, "LONG"},
    {BinInt2, "BININT2"},
    {None, "NONE"},
    {PersId, "PERSID"},
    {BinPersId, "BINPERSID"},
    {Reduce, "REDUCE"},
    {String, "STRING"},
    {BinString, "BINSTRING"},
    {ShortBinString, "SHORT_BINSTRING"},
    {Unicode, "UNICODE"},
    {BinUnicode, "BINUNICODE"},
    {EmptyList, "EMPTY_LIST"},
    {Append, "APPEND"},
    {Build, "BUILD"},
    {Global, "GLOBAL"},
    {Dict, "DICT"},
    {Appends, "APPENDS"},
    {Get, "GET"},
    {BinGet, "BINGET"},
    {Inst, "INST"},
    {LongBinGet, "LONG_BINGET"},
    {List, "LIST"},
    {Obj, "OBJ"},
    {Put, "PUT"},
    {BinPut, "BINPUT"},
    {LongBinPut, "LONG_BINPUT"},
    {SetItem, "SETITEM"},
    {Tuple, "TUPLE"},
    {SetItems, "SETITEMS"},
    {EmptyDict, "EMPTY_DICT"},
    {Proto, "PROTO"},
    {NewObj, "NEWOBJ"},
    {Ext1, "EXT1"},
    {Ext2, "EXT2"},
    {Ext4, "EXT4"},
    {Tuple1, "TUPLE1"},
    {Tuple2, "TUPLE2"},
    {Tuple3, "TUPLE3"},
    {NewTrue, "NEWTRUE"},
    {NewFalse, "NEWFALSE"},
    {Long1, "LONG1"},
    {Long4, "LONG4"},
    {ShortBinUnicode, "SHORT_BINUNICODE"},
    {BinUnicode8, "BINUNICODE8"},
    {BinBytes8, "BINBYTES8"},
    {EmptySet, "EMPTY_SET"},
    {AddItems, "ADDITEMS"},
    {FrozenSet, "FROZENSET"},
    {NewObjEx, "NEWOBJ_EX"},
    {StackGlobal, "STACK_GLOBAL"},
    {Memoize, "MEMOIZE"},
    {Frame, "FRAME"},
    {ByteArray8, "BYTEARRAY8"},
    {NextBuffer, "NEXT_BUFFER"},
    {ReadOnlyBuffer, "READONLY_BUFFER"},
};

} // namespace

const char* opcodeName(unsigned char op)
{
    for (const Named& entry : kNames) {
        if (entry.op == op)
            return entry.name;
    }
    return nullptr;
}

} // namespace pipescope::pickle
