// A 1C:Enterprise host emulator for Native API add-ins, built on 1C's own
// headers (ComponentBase.h, AddInDefBase.h, IMemoryManager.h, types.h).
//
// It loads an add-in with dlopen, implements IMemoryManager and
// IAddInDefBase (AddError is recorded, ExternalEvent goes into a bounded
// buffer like 1C's) and runs a script from stdin, one command per line,
// fields separated by TAB. Values: s:<text> i:<int> r:<double> b:1|0
// e: (empty) d:YYYY-MM-DDTHH:MM:SS (Дата) x:<hex> (ДвоичныеДанные)
// n: (no value at all: the parameter is omitted, 1C asks for its default).
//
// Commands and their output lines (each result line starts with R\t):
//   load <lib>             R ok <class names>
//   new                    R ok <extension name>  (GetClassObject + Init + setMemManager)
//   use <n> / destroy      switch to / destroy object n / the current one
//   locale <s> / uilang <s>
//   set <prop> <val>       R ok | R fail <AddError text>
//   get <prop>             R ok <typed value> | R fail
//   call <method> <vals…>  R ok <typed value> | R fail <AddError text>
//   raw <method> <vals…>   the same, passing exactly the given values (no defaults)
//   rawnum <index> <vals…> call method number <index>, even out of range
//   meta                   R meta props/methods with both names, params, defaults
//   fixdepth <n>           the event buffer holds n and ignores SetEventBufferDepth
//   apptype <n>            IPlatformInfo's application type (0 thin client, the default;
//                          3 server, 4 external connection)
//   take <n> <ms>          R events <k>, then E <source> <message> <data> lines
//   takeack <n> <ms> [ack|noack] [handle_ms]
//                          like take, but prints each E line at once, then A <receiptId>,
//                          then calls AckNotification(receiptId) as 1C's handler would
//                          (a consumer killed at any point leaves a faithful record);
//                          noack: only the E lines; handle_ms: time each event's handling takes
//   sizeof                 R sizeof <tVariant> <offset of vt> <struct tm> <long> <WCHAR_T> <pointer>
//   repeat <n> <method> <vals…>
//                          n calls as 1C makes them (FindMethod, GetNParams, the
//                          parameters built, CallAsFunc, the result copied and freed),
//                          nothing printed in between: R repeat <wall µs> <CPU µs> per
//                          call, CPU being this whole process's (every thread)
//   sleep <ms> / clock (R clock <ms>) / stats / quit
//   unload                 R ok <dlclose result>: Done + DestroyObject on every object, then dlclose
#include <dlfcn.h>
#include <time.h>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "AddInDefBase.h"
#include "ComponentBase.h"
#include "IMemoryManager.h"

// 1C's tVariant holds a struct tm, so its size follows the C library and the
// pointer width: 64 bytes on Linux x86_64, 52 on Linux i386 (built with -m32),
// where long and pointers are 4 bytes. The add-in asserts the same sizes.
#if defined(__linux__) && defined(__x86_64__)
static_assert(sizeof(tVariant) == 64 && offsetof(tVariant, vt) == 60, "Linux x86_64 tVariant");
static_assert(sizeof(long) == 8 && sizeof(void *) == 8, "LP64");
#elif defined(__linux__) && defined(__i386__)
static_assert(sizeof(tVariant) == 52 && offsetof(tVariant, vt) == 48, "Linux i386 tVariant");
static_assert(sizeof(long) == 4 && sizeof(void *) == 4, "ILP32");
#endif
static_assert(sizeof(WCHAR_T) == 2, "1C strings are UTF-16");

static std::u16string to_u16(const std::string &s) {
    std::u16string out;
    for (size_t i = 0; i < s.size();) {
        unsigned char c = s[i];
        uint32_t cp;
        int n;
        if (c < 0x80) { cp = c; n = 1; }
        else if ((c >> 5) == 6) { cp = c & 0x1f; n = 2; }
        else if ((c >> 4) == 14) { cp = c & 0x0f; n = 3; }
        else { cp = c & 0x07; n = 4; }
        for (int k = 1; k < n && i + k < s.size(); k++) cp = (cp << 6) | (s[i + k] & 0x3f);
        i += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(char16_t(0xD800 + (cp >> 10)));
            out.push_back(char16_t(0xDC00 + (cp & 0x3ff)));
        } else {
            out.push_back(char16_t(cp));
        }
    }
    return out;
}

static std::string to_u8(const char16_t *p, size_t len) {
    std::string out;
    for (size_t i = 0; i < len; i++) {
        uint32_t cp = p[i];
        if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < len) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (p[i + 1] - 0xDC00);
            i++;
        }
        if (cp < 0x80) out += char(cp);
        else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3f)); }
        else if (cp < 0x10000) { out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3f)); out += char(0x80 | (cp & 0x3f)); }
        else { out += char(0xF0 | (cp >> 18)); out += char(0x80 | ((cp >> 12) & 0x3f)); out += char(0x80 | ((cp >> 6) & 0x3f)); out += char(0x80 | (cp & 0x3f)); }
    }
    return out;
}

static std::string to_u8z(const WCHAR_T *p) {
    if (!p) return "<null>";
    size_t n = 0;
    while (p[n]) n++;
    return to_u8(p, n);
}

class Memory : public IMemoryManager {
  public:
    std::mutex m;
    long allocs = 0, frees = 0;
    bool ADDIN_API AllocMemory(void **p, unsigned long size) override {
        *p = malloc(size);
        if (!*p) return false;
        std::lock_guard<std::mutex> g(m);
        allocs++;
        return true;
    }
    void ADDIN_API FreeMemory(void **p) override {
        if (p && *p) {
            free(*p);
            *p = nullptr;
            std::lock_guard<std::mutex> g(m);
            frees++;
        }
    }
};

struct Event { std::string source, message, data; };

// IPlatformInfo: where the add-in runs (the platform offers it through
// IAddInDefBaseEx::GetInterface since it declared eAppCapabilities1+).
class PlatformInfo : public IPlatformInfo {
  public:
    AppInfo info{u"8.3.25.0", u"emulator", eAppThinClient};
    const AppInfo *ADDIN_API GetPlatformInfo() override { return &info; }
};
static PlatformInfo platform;

class Host : public IAddInDefBaseEx {
  public:
    std::mutex m;
    std::condition_variable cv;
    std::deque<Event> events;
    long depth = 1;
    bool fixed = false;
    long rejected = 0;
    std::string last_error;
    bool ADDIN_API AddError(unsigned short code, const WCHAR_T *source, const WCHAR_T *descr, long) override {
        std::lock_guard<std::mutex> g(m);
        last_error = std::to_string(code) + "|" + to_u8z(source) + "|" + to_u8z(descr);
        return true;
    }
    bool ADDIN_API Read(WCHAR_T *, tVariant *, long *, WCHAR_T **) override { return false; }
    bool ADDIN_API Write(WCHAR_T *, tVariant *) override { return false; }
    bool ADDIN_API RegisterProfileAs(WCHAR_T *) override { return false; }
    bool ADDIN_API SetEventBufferDepth(long d) override {
        std::lock_guard<std::mutex> g(m);
        if (!fixed) depth = d;
        return true;
    }
    long ADDIN_API GetEventBufferDepth() override {
        std::lock_guard<std::mutex> g(m);
        return depth;
    }
    bool ADDIN_API ExternalEvent(WCHAR_T *source, WCHAR_T *message, WCHAR_T *data) override {
        std::lock_guard<std::mutex> g(m);
        if ((long)events.size() >= depth) { rejected++; return false; }
        events.push_back(Event{to_u8z(source), to_u8z(message), to_u8z(data)});
        cv.notify_all();
        return true;
    }
    void ADDIN_API CleanEventBuffer() override {
        std::lock_guard<std::mutex> g(m);
        events.clear();
    }
    bool ADDIN_API SetStatusLine(WCHAR_T *) override { return true; }
    void ADDIN_API ResetStatusLine() override {}
    IInterface *ADDIN_API GetInterface(Interfaces iface) override {
        return iface == eIPlatformInfo ? static_cast<IInterface *>(&platform) : nullptr;
    }
};

typedef long (*GetClassObjectFn)(const WCHAR_T *, IComponentBase **);
typedef long (*DestroyObjectFn)(IComponentBase **);
typedef const WCHAR_T *(*GetClassNamesFn)();

static Memory mem;
static Host host;
static void *lib = nullptr;
static std::vector<IComponentBase *> objects;
static size_t current = 0;

static std::vector<std::string> split(const std::string &line) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        size_t tab = line.find('\t', start);
        out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) break;
        start = tab + 1;
    }
    return out;
}

static std::string unescape(const std::string &s) {
    std::string out;
    for (size_t i = 0; i < s.size(); i++) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            char c = s[++i];
            out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
        } else out += s[i];
    }
    return out;
}

// Fills v from a typed value; returns false for "n:" (omitted).
static bool parse_value(const std::string &tv, tVariant *v) {
    tVarInit(v);
    std::string kind = tv.substr(0, 2), val = tv.size() > 2 ? tv.substr(2) : "";
    if (kind == "n:") return false;
    if (kind == "e:") { TV_VT(v) = VTYPE_EMPTY; }
    else if (kind == "i:") { TV_VT(v) = VTYPE_I4; TV_I4(v) = (int32_t)atol(val.c_str()); }
    else if (kind == "r:") { TV_VT(v) = VTYPE_R8; TV_R8(v) = strtod(val.c_str(), nullptr); }
    else if (kind == "b:") { TV_VT(v) = VTYPE_BOOL; TV_BOOL(v) = val == "1"; }
    else if (kind == "d:") {
        TV_VT(v) = VTYPE_TM;
        sscanf(val.c_str(), "%d-%d-%dT%d:%d:%d", &v->tmVal.tm_year, &v->tmVal.tm_mon, &v->tmVal.tm_mday,
               &v->tmVal.tm_hour, &v->tmVal.tm_min, &v->tmVal.tm_sec);
        v->tmVal.tm_year -= 1900;
        v->tmVal.tm_mon -= 1;
    } else if (kind == "x:") {
        TV_VT(v) = VTYPE_BLOB;
        v->strLen = (uint32_t)(val.size() / 2);
        v->pstrVal = (char *)malloc(v->strLen + 1);
        for (uint32_t i = 0; i < v->strLen; i++) v->pstrVal[i] = (char)strtol(val.substr(i * 2, 2).c_str(), nullptr, 16);
    } else if (kind == "t:") {  // an unsupported type tag, for robustness tests
        TV_VT(v) = (TYPEVAR)atoi(val.c_str());
        TV_I8(v) = 0x4141414141414141LL;
    } else {  // s:
        TV_VT(v) = VTYPE_PWSTR;
        std::u16string u = to_u16(unescape(val));
        v->wstrLen = (uint32_t)u.size();
        v->pwstrVal = (WCHAR_T *)malloc((u.size() + 1) * sizeof(WCHAR_T));
        memcpy(v->pwstrVal, u.data(), u.size() * sizeof(WCHAR_T));
        v->pwstrVal[u.size()] = 0;
    }
    return true;
}

// Frees what the host allocated for a parameter.
static void free_param(tVariant *v) {
    if (TV_VT(v) == VTYPE_PWSTR) free(v->pwstrVal);
    if (TV_VT(v) == VTYPE_BLOB) free(v->pstrVal);
    tVarInit(v);
}

// Prints a value the add-in returned and frees it with the memory manager, as 1C does.
static std::string show_and_free(tVariant *v) {
    std::string out;
    switch (TV_VT(v)) {
        case VTYPE_EMPTY: out = "e:"; break;
        case VTYPE_I4: out = "i:" + std::to_string(TV_I4(v)); break;
        case VTYPE_R8: out = "r:" + std::to_string(TV_R8(v)); break;
        case VTYPE_BOOL: out = std::string("b:") + (TV_BOOL(v) ? "1" : "0"); break;
        case VTYPE_PWSTR:
            out = "s:" + to_u8(v->pwstrVal, v->wstrLen);
            if (v->pwstrVal[v->wstrLen] != 0) out += "<not NUL-terminated>";
            mem.FreeMemory((void **)&v->pwstrVal);
            break;
        case VTYPE_BLOB: {
            out = "x:";
            char buf[3];
            for (uint32_t i = 0; i < v->strLen; i++) { snprintf(buf, 3, "%02x", (unsigned char)v->pstrVal[i]); out += buf; }
            mem.FreeMemory((void **)&v->pstrVal);
            break;
        }
        default: out = "?:" + std::to_string(TV_VT(v));
    }
    tVarInit(v);
    for (auto &c : out) if (c == '\n') c = ' ';
    return out;
}

static std::string take_error() {
    std::lock_guard<std::mutex> g(host.m);
    std::string e = host.last_error;
    host.last_error.clear();
    return e;
}

static IComponentBase *obj() { return current < objects.size() ? objects[current] : nullptr; }

static void do_call(const std::vector<std::string> &f, bool with_defaults, long forced_num = -2) {
    IComponentBase *o = obj();
    long num = forced_num != -2 ? forced_num : o->FindMethod(to_u16(f[1]).c_str());
    if (num < 0 && forced_num == -2) { std::cout << "R\tnomethod\n"; return; }
    long given = (long)f.size() - 2;
    long count = with_defaults ? o->GetNParams(num) : given;
    if (with_defaults && given > count) { std::cout << "R\ttoomany\n"; return; }
    std::vector<tVariant> params(count > 0 ? count : 1);
    for (long i = 0; i < count; i++) {
        bool have = i < given && parse_value(f[i + 2], &params[i]);
        if (!have) {
            tVarInit(&params[i]);
            if (with_defaults && !o->GetParamDefValue(num, i, &params[i])) tVarInit(&params[i]);
        }
    }
    // Defaults the add-in allocated (strings) belong to 1C now: remember to free them.
    tVariant ret;
    tVarInit(&ret);
    take_error();
    bool ok = o->HasRetVal(num) ? o->CallAsFunc(num, &ret, count > 0 ? params.data() : nullptr, count)
                                : o->CallAsProc(num, count > 0 ? params.data() : nullptr, count);
    for (long i = 0; i < count; i++) {
        bool host_owned = i < given && f[i + 2].rfind("n:", 0) != 0;
        if (host_owned) free_param(&params[i]);
        else if (TV_VT(&params[i]) == VTYPE_PWSTR || TV_VT(&params[i]) == VTYPE_BLOB) show_and_free(&params[i]);
    }
    if (ok) std::cout << "R\tok\t" << show_and_free(&ret) << "\n";
    else {
        show_and_free(&ret);
        std::cout << "R\tfail\t" << take_error() << "\n";
    }
}

// This process's CPU time (user + system, every thread), µs.
static double process_cpu_us() {
    timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

// n calls of one method, timed, for the per-call benchmark. Each does what 1C
// does for `Компонента.Метод(...)`: find the method by its UTF-16 name, ask
// its parameter count and whether it returns a value, build the parameters
// from the caller's strings (a copy each: 1C hands the add-in its own
// buffers), call, then copy the result into a string of its own and free it
// with the memory manager. The names and values are converted to UTF-16 once,
// outside the loop: 1C keeps its strings in UTF-16.
static void repeat(const std::vector<std::string> &f) {
    IComponentBase *o = obj();
    long n = atol(f[1].c_str());
    std::u16string name = to_u16(f[2]);
    std::vector<tVariant> given(f.size() - 3);
    for (size_t i = 0; i < given.size(); i++) parse_value(f[i + 3], &given[i]);
    long failed = 0;
    auto t0 = std::chrono::steady_clock::now();
    double c0 = process_cpu_us();
    for (long k = 0; k < n; k++) {
        long num = o->FindMethod(name.c_str());
        long count = o->GetNParams(num);
        std::vector<tVariant> params(count > 0 ? count : 1);
        for (long i = 0; i < count; i++) {
            tVarInit(&params[i]);
            if (i < (long)given.size()) {
                params[i] = given[i];
                if (TV_VT(&given[i]) == VTYPE_PWSTR) {
                    size_t bytes = (given[i].wstrLen + 1) * sizeof(WCHAR_T);
                    params[i].pwstrVal = (WCHAR_T *)malloc(bytes);
                    memcpy(params[i].pwstrVal, given[i].pwstrVal, bytes);
                }
            } else if (!o->GetParamDefValue(num, i, &params[i])) {
                tVarInit(&params[i]);
            }
        }
        tVariant ret;
        tVarInit(&ret);
        bool ok = o->HasRetVal(num) ? o->CallAsFunc(num, &ret, count > 0 ? params.data() : nullptr, count)
                                    : o->CallAsProc(num, count > 0 ? params.data() : nullptr, count);
        if (!ok) failed++;
        for (long i = 0; i < count; i++) {
            if (i < (long)given.size()) free_param(&params[i]);
            else if (TV_VT(&params[i]) == VTYPE_PWSTR) mem.FreeMemory((void **)&params[i].pwstrVal);
        }
        if (TV_VT(&ret) == VTYPE_PWSTR) {
            std::u16string kept(ret.pwstrVal, ret.wstrLen);
            mem.FreeMemory((void **)&ret.pwstrVal);
        } else if (TV_VT(&ret) == VTYPE_BLOB) {
            mem.FreeMemory((void **)&ret.pstrVal);
        }
    }
    double cpu = process_cpu_us() - c0;
    double wall = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    for (auto &v : given) free_param(&v);
    if (failed) std::cout << "R\tfail\t" << failed << "\t" << take_error() << "\n";
    else std::cout << "R\trepeat\t" << wall / n << "\t" << cpu / n << "\n";
}

static void meta() {
    IComponentBase *o = obj();
    long np = o->GetNProps(), nm = o->GetNMethods();
    std::cout << "R\tmeta\t" << np << "\t" << nm << "\n";
    for (long i = 0; i < np; i++) {
        WCHAR_T *en = (WCHAR_T *)o->GetPropName(i, 0), *ru = (WCHAR_T *)o->GetPropName(i, 1);
        std::cout << "P\t" << to_u8z(en) << "\t" << to_u8z(ru) << "\t" << o->IsPropReadable(i) << "\t" << o->IsPropWritable(i) << "\n";
        mem.FreeMemory((void **)&en);
        mem.FreeMemory((void **)&ru);
    }
    for (long i = 0; i < nm; i++) {
        WCHAR_T *en = (WCHAR_T *)o->GetMethodName(i, 0), *ru = (WCHAR_T *)o->GetMethodName(i, 1);
        long n = o->GetNParams(i);
        std::cout << "M\t" << to_u8z(en) << "\t" << to_u8z(ru) << "\t" << n << "\t" << o->HasRetVal(i);
        for (long p = 0; p < n; p++) {
            tVariant d;
            tVarInit(&d);
            std::cout << "\t" << (o->GetParamDefValue(i, p, &d) ? show_and_free(&d) : std::string("req"));
        }
        std::cout << "\n";
        mem.FreeMemory((void **)&en);
        mem.FreeMemory((void **)&ru);
    }
}

int main() {
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.empty() || line[0] == '#') continue;
        auto f = split(line);
        const std::string &cmd = f[0];
        if (cmd == "load") {
            lib = dlopen(f[1].c_str(), RTLD_NOW | RTLD_LOCAL);
            if (!lib) { std::cout << "R\tfail\t" << dlerror() << "\n"; return 1; }
            auto names = (GetClassNamesFn)dlsym(lib, "GetClassNames");
            auto caps = (AppCapabilities(*)(AppCapabilities))dlsym(lib, "SetPlatformCapabilities");
            auto attach = (AttachType(*)())dlsym(lib, "GetAttachType");
            std::cout << "R\tok\t" << to_u8z(names()) << "\t" << caps(eAppCapabilities3) << "\t" << attach() << "\n";
        } else if (cmd == "new") {
            auto get = (GetClassObjectFn)dlsym(lib, "GetClassObject");
            IComponentBase *o = nullptr;
            std::u16string cls = to_u16(f.size() > 1 ? f[1] : "Client");
            if (!get(cls.c_str(), &o) || !o) { std::cout << "R\tfail\tGetClassObject\n"; continue; }
            bool init = o->Init(&host), mm = o->setMemManager(&mem);
            WCHAR_T *ext = nullptr;
            bool reg = o->RegisterExtensionAs(&ext);
            std::cout << "R\tok\t" << (reg ? to_u8z(ext) : "?") << "\t" << init << mm << "\t" << o->GetInfo() << "\n";
            mem.FreeMemory((void **)&ext);
            objects.push_back(o);
            current = objects.size() - 1;
        } else if (cmd == "use") {
            current = (size_t)atol(f[1].c_str());
            std::cout << "R\tok\n";
        } else if (cmd == "destroy") {
            auto destroy = (DestroyObjectFn)dlsym(lib, "DestroyObject");
            IComponentBase *o = obj();
            o->Done();
            long r = destroy(&o);
            objects[current] = nullptr;
            std::cout << "R\tok\t" << r << "\t" << (o == nullptr) << "\n";
        } else if (cmd == "locale") {
            obj()->SetLocale(to_u16(f[1]).c_str());
            std::cout << "R\tok\n";
        } else if (cmd == "uilang") {
            obj()->SetUserInterfaceLanguageCode(to_u16(f[1]).c_str());
            std::cout << "R\tok\n";
        } else if (cmd == "set" || cmd == "get") {
            IComponentBase *o = obj();
            long num = o->FindProp(to_u16(f[1]).c_str());
            if (num < 0) { std::cout << "R\tnoprop\n"; continue; }
            tVariant v;
            take_error();
            if (cmd == "set") {
                parse_value(f[2], &v);
                bool ok = o->SetPropVal(num, &v);
                free_param(&v);
                if (ok) std::cout << "R\tok\n";
                else std::cout << "R\tfail\t" << take_error() << "\n";
            } else {
                tVarInit(&v);
                bool ok = o->GetPropVal(num, &v);
                std::cout << "R\t" << (ok ? "ok" : "fail") << "\t" << show_and_free(&v) << "\n";
            }
        } else if (cmd == "call") {
            do_call(f, true);
        } else if (cmd == "raw") {
            do_call(f, false);
        } else if (cmd == "rawnum") {
            std::vector<std::string> g(f);
            do_call(g, false, atol(f[1].c_str()));
        } else if (cmd == "repeat") {
            repeat(f);
        } else if (cmd == "meta") {
            meta();
        } else if (cmd == "fixdepth") {
            std::lock_guard<std::mutex> g(host.m);
            host.depth = atol(f[1].c_str());
            host.fixed = true;
            std::cout << "R\tok\n";
        } else if (cmd == "apptype") {
            platform.info.Application = (IPlatformInfo::AppType)atoi(f[1].c_str());
            std::cout << "R\tok\n";
        } else if (cmd == "takeack") {
            long n = atol(f[1].c_str()), ms = atol(f[2].c_str()), got = 0, failed = 0;
            bool noack = f.size() > 3 && f[3] == "noack";
            long handle_ms = f.size() > 4 ? atol(f[4].c_str()) : 0;
            auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
            IComponentBase *o = obj();
            long ack = o->FindMethod(u"AckNotification");
            while (got < n) {
                Event e;
                {
                    std::unique_lock<std::mutex> g(host.m);
                    if (host.events.empty() && !host.cv.wait_until(g, deadline, [] { return !host.events.empty(); })) break;
                    e = host.events.front();
                    host.events.pop_front();
                }
                got++;
                std::this_thread::sleep_for(std::chrono::milliseconds(handle_ms));
                std::cout << "E\t" << e.source << "\t" << e.message << "\t" << e.data << "\n";
                if (noack) {
                    std::cout.flush();
                    continue;
                }
                size_t at = e.data.find("\"receiptId\":");
                double receipt = at == std::string::npos ? -1 : strtod(e.data.c_str() + at + 12, nullptr);
                std::cout << "A\t" << (long long)receipt << "\n";
                std::cout.flush();
                tVariant p;
                tVarInit(&p);
                TV_VT(&p) = VTYPE_R8;
                TV_R8(&p) = receipt;
                take_error();
                if (!o->CallAsProc(ack, &p, 1)) {
                    failed++;
                    std::cout << "F\t" << take_error() << "\n";
                }
            }
            std::cout << "R\ttakeack\t" << got << "\t" << failed << "\n";
        } else if (cmd == "take") {
            long n = atol(f[1].c_str()), ms = atol(f[2].c_str());
            auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
            std::vector<Event> got;
            std::unique_lock<std::mutex> g(host.m);
            while ((long)got.size() < n) {
                if (host.events.empty() && !host.cv.wait_until(g, deadline, [] { return !host.events.empty(); })) break;
                got.push_back(host.events.front());
                host.events.pop_front();
            }
            long depth = host.depth, rejected = host.rejected;
            g.unlock();
            std::cout << "R\tevents\t" << got.size() << "\t" << depth << "\t" << rejected << "\n";
            for (auto &e : got) std::cout << "E\t" << e.source << "\t" << e.message << "\t" << e.data << "\n";
        } else if (cmd == "sleep") {
            std::this_thread::sleep_for(std::chrono::milliseconds(atol(f[1].c_str())));
            std::cout << "R\tok\n";
        } else if (cmd == "clock") {
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
            std::cout << "R\tclock\t" << ms << "\n";
        } else if (cmd == "stats") {
            std::lock_guard<std::mutex> g(mem.m);
            std::cout << "R\tstats\t" << mem.allocs << "\t" << mem.frees << "\n";
        } else if (cmd == "sizeof") {
            std::cout << "R\tsizeof\t" << sizeof(tVariant) << "\t" << offsetof(tVariant, vt) << "\t" << sizeof(struct tm)
                      << "\t" << sizeof(long) << "\t" << sizeof(WCHAR_T) << "\t" << sizeof(void *) << "\n";
        } else if (cmd == "unload") {
            auto destroy = (DestroyObjectFn)dlsym(lib, "DestroyObject");
            for (auto &o : objects) {
                if (o) { o->Done(); destroy(&o); }
            }
            int r = dlclose(lib);
            lib = nullptr;
            std::cout << "R\tok\t" << r << "\n";
        } else if (cmd == "quit") {
            break;
        } else {
            std::cout << "R\tunknown\t" << cmd << "\n";
        }
        std::cout.flush();
    }
    auto destroy = lib ? (DestroyObjectFn)dlsym(lib, "DestroyObject") : nullptr;
    for (auto &o : objects) {
        if (o) { o->Done(); destroy(&o); }
    }
    if (lib) dlclose(lib);
    return 0;
}
