// The zip reader and writer of PyTorch files: what Python's zipfile writes reads back, what
// QuantLens writes Python reads (ZIP64 too), and every damaged or hostile archive is a
// ql::core::Error naming the file: bad central directory, CRC mismatch, compressed or
// overlapping entries, truncation at every length.
#include "core/common/zip.h"
#include "tests/support/hostile.h"
#include "tests/support/testmain.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace fs = std::filesystem;
namespace hostile = ql::test::hostile;
using ql::core::ZipReader;
using ql::core::ZipWriter;

namespace {

std::string zipBytes(const std::vector<std::pair<std::string, std::string>> &entries, bool zip64 = false)
{
    std::string out;
    ZipWriter w([&out](const void *p, size_t n) { out.append(static_cast<const char *>(p), n); }, zip64);
    for (const auto &[name, data] : entries)
        w.add(name, data.data(), data.size());
    w.finish();
    return out;
}

void writeBytes(const fs::path &path, const std::string &bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void putLe32(std::string &s, size_t pos, uint32_t v)
{
    for (int k = 0; k < 4; ++k)
        s[pos + size_t(k)] = static_cast<char>((v >> (8 * k)) & 0xff);
}

/// Position of the central directory entry of the `index`-th entry.
size_t centralEntry(const std::string &zip, int index)
{
    size_t pos = 0;
    for (int found = -1; found < index; ++found) {
        pos = zip.find("PK\x01\x02", found < 0 ? 0 : pos + 4);
        if (pos == std::string::npos)
            return pos;
    }
    return pos;
}

} // namespace

class TestZip : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path file(const char *name) const { return fs::path(m_dir.path().toStdString()) / name; }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void writtenArchivesReadBackAndInPython_data()
    {
        QTest::addColumn<bool>("zip64");
        QTest::newRow("zip") << false;
        QTest::newRow("zip64 records") << true;
    }

    void writtenArchivesReadBackAndInPython()
    {
        QFETCH(bool, zip64);
        const std::string big(100000, 'q');
        const auto bytes =
            zipBytes({{"archive/data.pkl", "pickle"}, {"archive/data/0", big}, {"archive/empty", ""}}, zip64);
        const auto path = file(zip64 ? "w64.zip" : "w.zip");
        writeBytes(path, bytes);

        ZipReader reader(path);
        QCOMPARE(reader.entries().size(), size_t(3));
        QCOMPARE(reader.read(*reader.find("archive/data.pkl")), std::string("pickle"));
        QCOMPARE(reader.read(*reader.find("archive/data/0")), big);
        QCOMPARE(reader.read(*reader.find("archive/empty")), std::string());
        for (const auto &e : reader.entries())
            QCOMPARE(e.dataOffset % 64, uint64_t(0)); // aligned as PyTorch's writer aligns

        // Python's zipfile, the reference: names, contents and CRCs.
        QString out;
        const int rc = hostile::runPython(
            QStringLiteral("import sys, zipfile\n"
                           "z = zipfile.ZipFile(sys.argv[1])\n"
                           "assert z.testzip() is None\n"
                           "print(','.join(i.filename for i in z.infolist()))\n"
                           "print(len(z.read('archive/data/0')), z.read('archive/data.pkl').decode())\n"),
            {QString::fromStdString(path.string())}, &out);
        QVERIFY2(rc == 0, qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("archive/data.pkl,archive/data/0,archive/empty")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("100000 pickle")), qPrintable(out));
    }

    void readsWhatPythonWrites()
    {
        const auto path = file("py.zip");
        QString out;
        const int rc = hostile::runPython(QStringLiteral("import sys, zipfile\n"
                                                         "with zipfile.ZipFile(sys.argv[1], 'w') as z:\n"
                                                         "    z.writestr('a/x', b'hello')\n"
                                                         "    z.writestr('a/y', b'\\x00' * 70000)\n"),
                                          {QString::fromStdString(path.string())}, &out);
        QVERIFY2(rc == 0, qPrintable(out));
        ZipReader reader(path);
        QCOMPARE(reader.read(*reader.find("a/x")), std::string("hello"));
        QCOMPARE(reader.read(*reader.find("a/y")), std::string(70000, '\0'));
        reader.verifyAll();
    }

    void crcMismatchIsAnError()
    {
        auto bytes = zipBytes({{"archive/data.pkl", "abcdefgh"}});
        const size_t data = bytes.find("abcdefgh");
        bytes[data + 3] = 'X';
        const auto msg = hostile::errorText([&] {
            ZipReader r(bytes, "flipped.pth");
            r.read(*r.find("archive/data.pkl"));
        });
        QVERIFY2(hostile::has(msg, "flipped.pth") && hostile::has(msg, "CRC-32") &&
                     hostile::has(msg, "archive/data.pkl"),
                 msg.c_str());
        // verifyAll() checks the entries nobody read.
        const auto msg2 = hostile::errorText([&] { ZipReader(bytes, "flipped.pth").verifyAll(); });
        QVERIFY2(hostile::has(msg2, "CRC-32"), msg2.c_str());
    }

    void centralDirectoryOutsideTheFileIsAnError()
    {
        auto bytes = zipBytes({{"archive/data.pkl", "abc"}});
        const size_t end = bytes.rfind("PK\x05\x06");
        putLe32(bytes, end + 16, 0x7ffffff0); // central directory offset far beyond the file
        const auto msg = hostile::errorText([&] { ZipReader(bytes, "cd.pth"); });
        QVERIFY2(hostile::has(msg, "cd.pth") && hostile::has(msg, "central directory"), msg.c_str());
    }

    void entrySizeBeyondTheDataIsAnError()
    {
        auto bytes = zipBytes({{"archive/data.pkl", "abc"}});
        const size_t c = centralEntry(bytes, 0);
        putLe32(bytes, c + 20, 0xfffffff0);
        putLe32(bytes, c + 24, 0xfffffff0);
        const auto msg = hostile::errorText([&] { ZipReader(bytes, "size.pth"); });
        QVERIFY2(hostile::has(msg, "size.pth") && hostile::has(msg, "reaches past"), msg.c_str());
    }

    void overlappingEntriesAreAnError()
    {
        // Entry a's size extended over entry b: one region of the file read as two entries.
        auto bytes = zipBytes({{"a/x", std::string(10, 'x')}, {"a/y", std::string(10, 'y')}});
        const size_t c = centralEntry(bytes, 0);
        const uint32_t size = 70; // ends inside b's data, before the central directory
        putLe32(bytes, c + 20, size);
        putLe32(bytes, c + 24, size);
        const auto msg = hostile::errorText([&] { ZipReader(bytes, "overlap.pth"); });
        QVERIFY2(hostile::has(msg, "overlap"), msg.c_str());
    }

    void duplicateNamesAreAnError()
    {
        auto bytes = zipBytes({{"a/x", "1"}, {"a/z", "2"}});
        // Rename the second entry in both headers to the first one's name.
        for (size_t pos = bytes.find("a/z"); pos != std::string::npos; pos = bytes.find("a/z", pos))
            bytes[pos + 2] = 'x';
        const auto msg = hostile::errorText([&] { ZipReader(bytes, "dup.pth"); });
        QVERIFY2(hostile::has(msg, "appears twice"), msg.c_str());
    }

    void compressedEntriesAreRefused()
    {
        const auto path = file("deflated.zip");
        QString out;
        const int rc =
            hostile::runPython(QStringLiteral("import sys, zipfile\n"
                                              "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n"
                                              "    z.writestr('archive/data.pkl', b'N' * 100000)\n"),
                               {QString::fromStdString(path.string())}, &out);
        QVERIFY2(rc == 0, qPrintable(out));
        const auto msg = hostile::errorText([&] { ZipReader r(path); });
        QVERIFY2(hostile::has(msg, "deflated.zip") && hostile::has(msg, "compressed"), msg.c_str());

        // TorchScript archives deflate their code: with AllowDeflate the entry inflates to
        // exactly what Python wrote, its CRC-32 checked.
        const ZipReader deflating(path, ZipReader::Compression::AllowDeflate);
        QCOMPARE(deflating.entries().size(), size_t(1));
        QCOMPARE(deflating.entries()[0].method, uint16_t(8));
        QVERIFY(deflating.entries()[0].compressedSize < 1000);
        QCOMPARE(deflating.read(deflating.entries()[0]), std::string(100000, 'N'));

        // A damaged deflate stream, or one that declares another size, is an error naming the file.
        std::string bytes;
        {
            std::ifstream in(path, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        const auto &e = deflating.entries()[0];
        std::string broken = bytes;
        broken[static_cast<size_t>(e.dataOffset)] = static_cast<char>(0xff); // an invalid block type
        const auto msg2 = hostile::errorText([&] {
            ZipReader r(broken, "broken.zip", ZipReader::Compression::AllowDeflate);
            r.verifyAll();
        });
        QVERIFY2(hostile::has(msg2, "broken.zip"), msg2.c_str());
        for (const uint32_t claimed : {99999u, 100001u, 4000000000u}) {
            std::string lying = bytes;
            // The central directory's uncompressed size: 24 bytes into the central header.
            const size_t cd = lying.rfind(std::string("PK\x01\x02", 4));
            for (int k = 0; k < 4; ++k)
                lying[cd + 24 + k] = static_cast<char>((claimed >> (8 * k)) & 0xff);
            const auto m = hostile::errorText([&] {
                ZipReader r(lying, "lying.zip", ZipReader::Compression::AllowDeflate);
                r.verifyAll();
            });
            QVERIFY2(hostile::has(m, "lying.zip"), m.c_str());
        }
    }

    void everyTruncationIsAnError()
    {
        // Cut after every byte: each prefix is an error naming the file, never a crash.
        const auto bytes = zipBytes({{"archive/data.pkl", "pickle"}, {"archive/data/0", std::string(300, 'd')}});
        for (size_t n = 0; n < bytes.size(); ++n) {
            const auto msg = hostile::errorText([&] {
                ZipReader r(bytes.substr(0, n), "cut.pth");
                r.verifyAll();
            });
            QVERIFY2(hostile::has(msg, "cut.pth") && !hostile::has(msg, "NOT A"),
                     qPrintable(QStringLiteral("%1 bytes: %2").arg(n).arg(QString::fromStdString(msg))));
        }
    }

    void everySingleByteChangeIsHandled()
    {
        // Every byte of a small archive set to 0x00, 0xff and 0x80 in turn: a clean read or a
        // ql::core::Error; under ASan also no read outside the buffers.
        const auto bytes = zipBytes({{"archive/data.pkl", "pickle"}, {"archive/version", "3\n"}});
        int errors = 0;
        for (size_t i = 0; i < bytes.size(); ++i) {
            for (const char v : {'\x00', '\xff', '\x80'}) {
                auto changed = bytes;
                changed[i] = v;
                const auto msg = hostile::errorText([&] {
                    ZipReader r(changed, "byte.pth");
                    r.verifyAll();
                });
                QVERIFY2(!hostile::has(msg, "NOT A"), msg.c_str());
                errors += msg != "NO ERROR";
            }
        }
        QVERIFY(errors > 0);
    }

    void hostileCrcFileIsAnError()
    {
        // The central directory offset was moved: every entry is read from the wrong place.
        const auto path = hostile::dataDir() / "crc_not_checked_cd_offset.pth";
        const auto msg = hostile::errorText([&] {
            ZipReader r(path);
            r.verifyAll();
        });
        QVERIFY2(hostile::has(msg, "crc_not_checked_cd_offset.pth") && !hostile::has(msg, "NOT A"), msg.c_str());
    }
};

QL_TEST(TestZip)
#include "tst_zip.moc"
