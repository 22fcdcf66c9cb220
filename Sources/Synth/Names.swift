/// Name lists for the fictional kabupaten: children, parents, places.
/// Common Javanese/Sundanese/Islamic given names as seen on posyandu registers; a few carry
/// `’` or `é` so the encodings (UTF-8 vs Windows-1252) matter.
enum Names {
    /// Name prefixes written before a child's given name (index 0 = none).
    static let prefixes = ["", "Muhammad", "Ahmad", "Siti", "Nur"]
    static let boyPrefixes: [UInt8] = [0, 0, 0, 0, 1, 1, 1, 2]
    static let girlPrefixes: [UInt8] = [0, 0, 0, 0, 0, 3, 3, 4]

    static let boys = [
        "Rizky", "Fajar", "Dimas", "Raka", "Arya", "Bima", "Galih", "Yoga", "Aditya", "Bagas",
        "Dafa", "Farel", "Rafi", "Alif", "Ilham", "Zaki", "Hafiz", "Fikri", "Rehan", "Naufal",
        "Arkan", "Abizar", "Kenzo", "Rayyan", "Azka", "Athar", "Gibran", "Satria", "Wahyu", "Dani",
        "Rendi", "Akbar", "Iqbal", "Haikal", "Fathan", "Ma’ruf", "Nu’man", "Syafi’i", "René", "Daffa",
    ]
    static let boyLast = [
        "Pratama", "Saputra", "Ramadhan", "Maulana", "Hidayat", "Firmansyah", "Setiawan", "Nugroho",
        "Wijaya", "Kurniawan", "Santoso", "Prasetyo", "Alfarizi", "Hakim", "Ardiansyah", "Putra",
        "Rizky", "Al Fatih",
    ]
    static let girls = [
        "Aisyah", "Putri", "Dewi", "Ayu", "Anisa", "Nabila", "Zahra", "Salsabila", "Aqila", "Azzahra",
        "Keisha", "Naura", "Alya", "Kirana", "Citra", "Intan", "Rara", "Nayla", "Khansa", "Adiba",
        "Hana", "Shakila", "Syifa", "Fatimah", "Khadijah", "Mutia", "Zoé", "Chloé", "Renée", "Jum’ati",
    ]
    static let girlLast = [
        "Rahmawati", "Lestari", "Maharani", "Puspita", "Safitri", "Wulandari", "Anggraini", "Permata",
        "Ramadhani", "Aulia", "Khairunnisa", "Febriani", "Oktaviani", "Kusuma", "Sari", "Amelia",
        "Nuraini", "Azzahra",
    ]
    static let motherFirst = [
        "Sri", "Siti", "Dewi", "Rina", "Nurul", "Yuli", "Eka", "Tri", "Ani", "Lilis", "Neneng",
        "Ratna", "Endang", "Wulan", "Umi", "Nining", "Fitri", "Indah", "Desi", "Yati", "Sumarni",
        "Suparti", "Ida", "Rohmah", "Ma’rifah", "Mu’awanah",
    ]
    static let motherLast = [
        "Wahyuni", "Aminah", "Sartika", "Marlina", "Hidayah", "Astuti", "Susanti", "Handayani",
        "Suryani", "Hasanah", "Sari", "Lestari", "Kalsum", "Kurniasih", "Yani", "Permatasari",
        "Ratnasari", "Rahayu", "Fatimah", "Mulyani", "",
    ]
    static let fatherFirst = [
        "Budi", "Agus", "Slamet", "Joko", "Eko", "Dwi", "Bambang", "Hendra", "Andi", "Rudi", "Heru",
        "Wawan", "Asep", "Dedi", "Yusuf", "Ahmad", "Muhammad", "Taufik", "Arif", "Irfan", "Sugeng",
        "Suparman",
    ]
    static let fatherLast = [
        "Santoso", "Setiawan", "Prasetyo", "Hidayat", "Susanto", "Wibowo", "Gunawan", "Saputra",
        "Nugroho", "Kurniawan", "Hermawan", "Firmansyah", "Supriyadi", "Rahman", "Hakim", "Sutrisno", "",
    ]

    // Places: names built from Javanese/Sundanese stems.
    static let placeStems = [
        "Sumber", "Karang", "Sido", "Tegal", "Wono", "Kali", "Mulyo", "Jati", "Banyu", "Kedung",
        "Pandan", "Gedong", "Ngadi", "Purwo", "Suka", "Tanjung", "Cipta", "Harjo", "Krajan", "Watu",
    ]
    static let placeEnds = [
        "rejo", "mulyo", "sari", "agung", "makmur", "harjo", "asri", "jaya", "wetan", "kulon",
        "maju", "luhur", "anyar", "manis", "dadi", "kerto",
    ]
    static let posyanduNames = [
        "Melati", "Mawar", "Anggrek", "Dahlia", "Kenanga", "Flamboyan", "Cempaka", "Teratai",
        "Kamboja", "Seruni", "Bougenville", "Nusa Indah", "Asoka", "Edelweis", "Matahari",
        "Kasih Ibu", "Harapan Bunda", "Sehat Sejahtera", "Tunas Harapan", "Bina Sehat",
    ]
    static let streets = [
        "Melati", "Kenanga", "Mawar", "Pahlawan", "Merdeka", "Diponegoro", "Kartini", "Sudirman",
        "Pemuda", "Veteran", "Masjid", "Raya",
    ]
    static let dusun = ["Krajan", "Ngemplak", "Karanglo", "Sidomukti", "Gondang", "Tegalrejo", "Sumberjo", "Wetan"]
}

/// Indonesian month names as the dumps write them.
enum MonthNames {
    static let long = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                       "September", "Oktober", "November", "Desember"]
    /// Older spellings still typed: Pebruari, Nopember.
    static let longVariant = ["Januari", "Pebruari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                              "September", "Oktober", "Nopember", "Desember"]
    static let shortAgu = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    static let shortAgt = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nop", "Des"]
}
