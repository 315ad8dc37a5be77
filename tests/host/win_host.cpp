// A Windows 1C host for the add-in DLL, compiled by mingw and run under
// wine. It lays out the interfaces as MSVC does (one destructor slot per
// vtable) and calls with ADDIN_API (__stdcall on x86), like 1C on Windows:
// load, create Client, set properties, ОтправитьТекст, ПолучитьУведомление,
// УдалитьУведомление against the sandbox, and AddError on a bad token.
//
// usage: win_host.exe <dll> <api url> <token>; prints "N passed, M failed".
#define _WINDOWS
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <string>

#include "types.h"

static int passed = 0, failed = 0;
#define CHECK(c, what) do { if (c) passed++; else { failed++; printf("FAILED: %s (line %d)\n", what, __LINE__); } } while (0)

static std::u16string u16(const char *s) {
    std::u16string out;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned cp; int n;
        if (*p < 0x80) { cp = *p; n = 1; } else if ((*p >> 5) == 6) { cp = *p & 0x1f; n = 2; } else { cp = *p & 0x0f; n = 3; }
        for (int k = 1; k < n; k++) cp = (cp << 6) | (p[k] & 0x3f);
        p += n;
        out.push_back((char16_t)cp);
    }
    return out;
}

static std::string u8(const WCHAR_T *p, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; i++) {
        unsigned cp = p[i];
        if (cp < 0x80) out += (char)cp;
        else if (cp < 0x800) { out += (char)(0xC0 | (cp >> 6)); out += (char)(0x80 | (cp & 0x3f)); }
        else { out += (char)(0xE0 | (cp >> 12)); out += (char)(0x80 | ((cp >> 6) & 0x3f)); out += (char)(0x80 | (cp & 0x3f)); }
    }
    return out;
}

// ---- the host's interfaces, MSVC layout: [dtor, methods…] ----
struct Mem;
typedef bool (ADDIN_API *AllocFn)(Mem *, void **, unsigned long);
typedef void (ADDIN_API *FreeFn)(Mem *, void **);
struct MemVt { void *dtor; AllocFn alloc; FreeFn free; };
struct Mem { const MemVt *vt; long allocs, frees; };
static bool ADDIN_API mem_alloc(Mem *m, void **p, unsigned long n) { *p = malloc(n); m->allocs++; return *p != NULL; }
static void ADDIN_API mem_free(Mem *m, void **p) { if (p && *p) { free(*p); *p = NULL; m->frees++; } }
static const MemVt MEM_VT = { NULL, mem_alloc, mem_free };

struct Conn;
typedef bool (ADDIN_API *AddErrorFn)(Conn *, unsigned short, const WCHAR_T *, const WCHAR_T *, long);
typedef bool (ADDIN_API *SetDepthFn)(Conn *, long);
typedef long (ADDIN_API *GetDepthFn)(Conn *);
typedef bool (ADDIN_API *EventFn)(Conn *, WCHAR_T *, WCHAR_T *, WCHAR_T *);
struct ConnVt { void *dtor; AddErrorFn add_error; void *read, *write, *reg; SetDepthFn set_depth; GetDepthFn get_depth; EventFn event; void *clean, *status, *reset; };
struct Conn { const ConnVt *vt; unsigned short code; std::string error; long depth; };
static size_t wlen(const WCHAR_T *p) { size_t n = 0; while (p && p[n]) n++; return n; }
static bool ADDIN_API conn_add_error(Conn *c, unsigned short code, const WCHAR_T *, const WCHAR_T *d, long) { c->code = code; c->error = u8(d, wlen(d)); return true; }
static bool ADDIN_API conn_set_depth(Conn *c, long d) { c->depth = d; return true; }
static long ADDIN_API conn_get_depth(Conn *c) { return c->depth; }
static bool ADDIN_API conn_event(Conn *, WCHAR_T *, WCHAR_T *, WCHAR_T *) { return true; }
static const ConnVt CONN_VT = { NULL, conn_add_error, NULL, NULL, NULL, conn_set_depth, conn_get_depth, conn_event, NULL, NULL, NULL };

static Mem mem = { &MEM_VT, 0, 0 };
static Conn conn = { &CONN_VT, 0, "", 1 };

// ---- calling the add-in's interfaces by slot (slot 0 is the destructor) ----
template <typename F> static F slot(void *iface, int i) { return (F)((*(void ***)iface)[i]); }
static void *lang(void *obj) { return (char *)obj + sizeof(void *); }
static void *locale(void *obj) { return (char *)obj + 2 * sizeof(void *); }

typedef bool (ADDIN_API *InitFn)(void *, void *);
typedef long (ADDIN_API *InfoFn)(void *);
typedef void (ADDIN_API *DoneFn)(void *);
typedef long (ADDIN_API *FindFn)(void *, const WCHAR_T *);
typedef bool (ADDIN_API *PropFn)(void *, long, tVariant *);
typedef long (ADDIN_API *NParamsFn)(void *, long);
typedef bool (ADDIN_API *DefFn)(void *, long, long, tVariant *);
typedef bool (ADDIN_API *HasRetFn)(void *, long);
typedef bool (ADDIN_API *FuncFn)(void *, long, tVariant *, tVariant *, long);
typedef void (ADDIN_API *LocaleFn)(void *, const WCHAR_T *);

static void set_str(tVariant *v, const std::u16string &s) {
    tVarInit(v);
    v->vt = VTYPE_PWSTR;
    v->pwstrVal = (WCHAR_T *)s.c_str();
    v->wstrLen = (uint32_t)s.size();
}

static bool set_prop(void *obj, const char *name, const char *value) {
    std::u16string n = u16(name), v = u16(value);
    long num = slot<FindFn>(lang(obj), 3)(lang(obj), n.c_str());
    tVariant t;
    set_str(&t, v);
    return num >= 0 && slot<PropFn>(lang(obj), 6)(lang(obj), num, &t);
}

// Calls a method with 1C's rules: missing parameters get their defaults. Returns the string result.
static bool call(void *obj, const char *name, tVariant *args, long given, std::string *out) {
    void *l = lang(obj);
    std::u16string n = u16(name);
    long num = slot<FindFn>(l, 10)(l, n.c_str());
    if (num < 0) { *out = "no method"; return false; }
    long count = slot<NParamsFn>(l, 12)(l, num);
    tVariant params[8];
    for (long i = 0; i < count; i++) {
        if (i < given) params[i] = args[i];
        else { tVarInit(&params[i]); slot<DefFn>(l, 13)(l, num, i, &params[i]); }
    }
    tVariant ret;
    tVarInit(&ret);
    conn.error.clear();
    bool ok = slot<FuncFn>(l, 16)(l, num, &ret, params, count);
    for (long i = given; i < count; i++)
        if (params[i].vt == VTYPE_PWSTR) mem_free(&mem, (void **)&params[i].pwstrVal);
    out->clear();
    if (ret.vt == VTYPE_PWSTR) { *out = u8(ret.pwstrVal, ret.wstrLen); mem_free(&mem, (void **)&ret.pwstrVal); }
    if (ret.vt == VTYPE_BOOL) *out = ret.bVal ? "true" : "false";
    return ok;
}

typedef long (*GetClassObjectFn)(const WCHAR_T *, void **);
typedef long (*DestroyObjectFn)(void **);
typedef const WCHAR_T *(*GetClassNamesFn)();

int main(int argc, char **argv) {
    if (argc < 4) { printf("usage: win_host.exe <dll> <api url> <token>\n"); return 2; }
    DWORD t0 = GetTickCount();
    HMODULE lib = LoadLibraryA(argv[1]);
    CHECK(lib != NULL, "LoadLibrary");
    if (!lib) { printf("LoadLibrary error %lu\n0 passed, 1 failed\n", GetLastError()); return 1; }
    GetClassNamesFn names = (GetClassNamesFn)GetProcAddress(lib, "GetClassNames");
    GetClassObjectFn create = (GetClassObjectFn)GetProcAddress(lib, "GetClassObject");
    DestroyObjectFn destroy = (DestroyObjectFn)GetProcAddress(lib, "DestroyObject");
    CHECK(names && create && destroy && GetProcAddress(lib, "SetPlatformCapabilities") && GetProcAddress(lib, "GetAttachType"), "undecorated exports");
    CHECK(u8(names(), wlen(names())) == "Client", "GetClassNames");
    printf("sizeof(tVariant) = %u\n", (unsigned)sizeof(tVariant));
    // The add-in asserts 48 at compile time for Windows; the header must agree.
    CHECK(sizeof(tVariant) == 48, "sizeof(tVariant) from 1C's header is 48 on Windows");

    void *obj = NULL;
    CHECK(create(u"Client", &obj) && obj, "GetClassObject");
    CHECK(slot<InitFn>(obj, 1)(obj, &conn), "Init");
    CHECK(slot<InitFn>(obj, 2)(obj, &mem), "setMemManager");
    CHECK(slot<InfoFn>(obj, 3)(obj) == 2000, "GetInfo");
    slot<LocaleFn>(locale(obj), 1)(locale(obj), u"ru_RU");
    CHECK(set_prop(obj, "IdInstance", "1101000001"), "IdInstance");
    CHECK(set_prop(obj, "ApiToken", argv[3]), "ApiToken");
    CHECK(set_prop(obj, "АдресAPI", argv[2]), "АдресAPI");

    std::string out;
    tVariant a[2];
    tVarInit(&a[0]);
    a[0].vt = VTYPE_R8;
    a[0].dblVal = 79007654321.0;
    std::u16string text = u"Привет из Windows";
    set_str(&a[1], text);
    bool ok = call(obj, "ОтправитьТекст", a, 2, &out);
    printf("first call after %lu ms: ОтправитьТекст -> %s\n", GetTickCount() - t0, out.c_str());
    CHECK(ok && out.find("idMessage") != std::string::npos, "ОтправитьТекст");

    bool echo = false;
    for (int i = 0; i < 6 && !echo; i++) {
        tVarInit(&a[0]);
        a[0].vt = VTYPE_I4;
        a[0].lVal = 2;
        ok = call(obj, "ПолучитьУведомление", a, 1, &out);
        CHECK(ok, "ПолучитьУведомление");
        if (!ok || out.empty()) break;
        echo = out.find("Echo: ") != std::string::npos;
        size_t r = out.find("\"receiptId\":");
        long receipt = r == std::string::npos ? -1 : atol(out.c_str() + r + 12);
        printf("received #%ld: %.70s...\n", receipt, out.c_str());
        tVarInit(&a[0]);
        a[0].vt = VTYPE_I4;
        a[0].lVal = receipt;
        CHECK(call(obj, "УдалитьУведомление", a, 1, &out) && out.find("true") != std::string::npos, "УдалитьУведомление");
    }
    CHECK(echo, "the echo reply arrived");

    CHECK(set_prop(obj, "ApiToken", "wrong-token-0000"), "ApiToken (wrong)");
    ok = call(obj, "ПолучитьСостояниеИнстанса", NULL, 0, &out);
    CHECK(!ok, "a wrong token fails the call");
    CHECK(conn.code == 1006 && conn.error.find("401") != std::string::npos, "AddError(ADDIN_E_FAIL) with the reason");
    printf("exception text: %s\n", conn.error.c_str());

    slot<DoneFn>(obj, 4)(obj);
    CHECK(destroy(&obj) == 0 && obj == NULL, "DestroyObject");
    CHECK(mem.allocs == mem.frees, "every block handed to the host was freed by it");
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
