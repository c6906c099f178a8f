<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * Romanian strings for local_cooperare.
 *
 * @package    local_cooperare
 * @category   string
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['cohortsyncdisabled'] = 'Nu se poate configura {$a}: metoda de înscriere „Sincronizare cohortă” este dezactivată pe acest site. Activați-o din Administrarea site-ului > Pluginuri > Înscrieri > Administrare pluginuri de înscriere.';
$string['completionlocked'] = 'Criteriile de absolvire ale cursului {$a} nu pot fi modificate: unii utilizatori au finalizat deja activități sau cursul după criteriile actuale. Trimiteți unlock = 1 pentru a le modifica totuși (datele lor de absolvire a cursului vor fi recalculate).';
$string['cooperare:provision'] = 'Configurarea cursurilor prin serviciile web Cooperare (secțiuni, activități, întrebări de test, absolvire, sincronizare cohortă) și punerea de fișiere în fișierele private ale utilizatorilor';
$string['enrolmethoddisabled'] = 'Nu se poate configura {$a}: această metodă de înscriere este dezactivată pe acest site. Activați-o din Administrarea site-ului > Pluginuri > Înscrieri > Administrare pluginuri de înscriere.';
$string['notmanaged'] = '{$a} nu a fost creat de pluginul Cooperare, de aceea pluginul nu îl șterge.';
$string['pluginname'] = 'Servicii de configurare Cooperare (ACoR)';
$string['privacy:metadata'] = 'Pluginul de servicii de configurare Cooperare nu stochează date cu caracter personal. Păstrează doar evidența secțiunilor, activităților, întrebărilor, criteriilor de absolvire, metodelor de înscriere și evenimentelor din calendar pe care le-a creat sau actualizat, împreună cu amprente (hash-uri) ale setărilor acestora. Pagina de verificare a certificatelor pe care o servește conține înregistrări ale certificatelor criptate astfel încât fiecare poate fi citită doar cu seria certificatului respectiv; înregistrările sunt ținute de instrumentul care emite certificatele și le publică din nou după fiecare schimbare.';
$string['quizhasattempts'] = 'Întrebările din {$a} nu pot fi reordonate, adăugate sau eliminate deoarece testul are deja încercări. Întrebările modificate primesc totuși o versiune nouă; ștergeți mai întâi încercările pentru a schimba structura testului.';
$string['registered'] = 'Sunteți deja înscris(ă) la acest eveniment.';
$string['userfileexists'] = '{$a}: fișierele private ale utilizatorului conțin deja un alt fișier cu acest nume. Trimiteți overwrite = 1 pentru a-l înlocui.';
$string['verifynotpublished'] = 'Pe acest site nu a fost publicată încă pagina de verificare a certificatelor.';
